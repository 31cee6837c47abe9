// Types of the xexecNotices Experiment API (notices.json, notices.ts) for the TypeScript side:
// `messenger.xexecNotices` is an XexecNoticesApi.

export interface NoticeButton {
  /** What onButtonClicked reports. */
  readonly id: string;
  readonly label: string;
}

export interface Notice {
  readonly label: string;
  readonly buttons: readonly NoticeButton[];
}

export interface XexecNoticesApi {
  /**
   * Shows `notice` in the notification bar of every main (3-pane) window, also of one opened
   * later, until close(id); a notice already shown under `id` is replaced. It stays while the
   * background is suspended.
   */
  show(id: string, notice: Notice): Promise<void>;
  /** Removes the notice `id` (nothing when there is none). */
  close(id: string): Promise<void>;
  /** A button of a notice was used; wakes a suspended background. */
  readonly onButtonClicked: {
    addListener(listener: (id: string, buttonId: string) => void): void;
  };
}
