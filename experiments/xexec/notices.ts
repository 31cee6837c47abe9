/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexecNotices" (notices.json): notices in the notification
// bar at the bottom of Thunderbird's main window, the one Thunderbird uses
// for its own notices (specialTabs.msgNotificationBar in 140 and 153), so
// they follow the theme, dark mode included.
//
// It only moves data: the background decides what to show (src/background/
// reminder.ts) and what a button does; a click is reported back through a
// persistent event, which wakes the background when Thunderbird has
// suspended it. The notices live here, in the parent process, so they stay
// while the background sleeps and appear in a main window opened later.
// They go with the add-on (onShutdown), not with one background context.

import { ChromeUtils, ExtensionCommon, ExtensionError, type ExtensionContext } from './chrome.js';
import type { Notice } from './notices-api.js';

/** Thunderbird's main window, as far as the notices use it. */
interface MainWindow {
  readonly specialTabs?: { readonly msgNotificationBar: NotificationBox };
}

interface NotificationElement {
  readonly parentNode: unknown;
}

interface NotificationBox {
  readonly PRIORITY_INFO_HIGH: number;
  appendNotification(
    value: string,
    notification: { label: string; priority: number },
    buttons: { label: string; callback: () => boolean }[],
    disableClickJackingDelay: boolean,
    dismissable: boolean,
  ): Promise<NotificationElement>;
  getNotificationWithValue(value: string): NotificationElement | null;
  removeNotification(element: NotificationElement, skipAnimation?: boolean): void;
}

interface WindowHooks {
  chromeURLs: string[];
  onLoadWindow(window: MainWindow): void;
  onUnloadWindow(window: MainWindow): void;
}

const { ExtensionSupport } = ChromeUtils.importESModule<{
  ExtensionSupport: { registerWindowListener(id: string, hooks: WindowHooks): boolean; unregisterWindowListener(id: string): void };
}>('resource:///modules/ExtensionSupport.sys.mjs');

/** What the persistent-event machinery gives a registrar (ExtensionCommon.sys.mjs). */
interface Fire {
  async(...args: unknown[]): Promise<unknown>;
  /** Set for a primed listener: resolves once the background is running again. */
  wakeup?: () => Promise<void>;
}

interface PersistentApiBase {
  getAPI(context: ExtensionContext): Record<string, unknown>;
  onShutdown(isAppShutdown: boolean): void;
}

const Common = ExtensionCommon as unknown as {
  ExtensionAPIPersistent: new (extension: unknown) => PersistentApiBase;
  EventManager: new (options: { context: ExtensionContext; module: string; event: string; extensionApi: unknown }) => { api(): unknown };
};

const MAIN_WINDOW = 'chrome://messenger/content/messenger.xhtml';
const WINDOW_LISTENER = 'xexec-notices';
/** The notification's value in Thunderbird's box: ours, and one per id. */
const valueOf = (id: string) => `xexec-notice-${id}`;

type ClickListener = (id: string, buttonId: string) => void;

/** The notices that are shown, and the main windows that show them. */
class NoticeBoard {
  private readonly notices = new Map<string, Notice>();
  private readonly windows = new Set<MainWindow>();
  private readonly listeners = new Set<ClickListener>();
  /** appendNotification is async: one change at a time, so that a notice is never drawn twice. */
  private queue: Promise<void> = Promise.resolve();
  private watching = false;

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    ExtensionSupport.registerWindowListener(WINDOW_LISTENER, {
      chromeURLs: [MAIN_WINDOW],
      onLoadWindow: (window) => {
        this.windows.add(window);
        for (const [id, notice] of this.notices) this.enqueue(() => this.draw(window, id, notice));
      },
      onUnloadWindow: (window) => {
        this.windows.delete(window);
      },
    });
  }

  private enqueue(change: () => Promise<void>): Promise<void> {
    const next = this.queue.then(change);
    // A window closing mid-change must not stop the queue.
    this.queue = next.catch((e: unknown) => console.warn('xexecNotices:', e));
    return next;
  }

  private remove(window: MainWindow, id: string): void {
    const box = window.specialTabs?.msgNotificationBar;
    const shown = box?.getNotificationWithValue(valueOf(id));
    if (box && shown) box.removeNotification(shown, true);
  }

  private async draw(window: MainWindow, id: string, notice: Notice): Promise<void> {
    const box = window.specialTabs?.msgNotificationBar;
    if (!box) return;
    this.remove(window, id);
    const buttons = notice.buttons.map((button) => ({
      label: button.label,
      // true keeps the notice: the background closes it when the change is done.
      callback: () => {
        for (const listener of this.listeners) listener(id, button.id);
        return true;
      },
    }));
    // Not dismissable: it is a reminder, it goes when the reply is off.
    await box.appendNotification(valueOf(id), { label: notice.label, priority: box.PRIORITY_INFO_HIGH }, buttons, false, false);
  }

  show(id: string, notice: Notice): Promise<void> {
    this.watch();
    // The same notice again (the hourly check) is not drawn again: no flicker, no second alert.
    const shown = this.notices.get(id);
    if (shown !== undefined && JSON.stringify(shown) === JSON.stringify(notice)) return this.queue;
    this.notices.set(id, notice);
    return this.enqueue(async () => {
      for (const window of this.windows) await this.draw(window, id, notice);
    });
  }

  close(id: string): Promise<void> {
    this.notices.delete(id);
    return this.enqueue(async () => {
      for (const window of this.windows) this.remove(window, id);
    });
  }

  onClick(listener: ClickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  shutdown(): void {
    for (const id of [...this.notices.keys()]) for (const window of this.windows) this.remove(window, id);
    this.notices.clear();
    this.listeners.clear();
    if (this.watching) ExtensionSupport.unregisterWindowListener(WINDOW_LISTENER);
    this.watching = false;
    this.windows.clear();
  }
}

function checkedNotice(notice: Notice): Notice {
  if (typeof notice.label !== 'string' || notice.label === '' || !Array.isArray(notice.buttons)) {
    throw new ExtensionError('xexecNotices: a notice needs a label and a list of buttons');
  }
  for (const button of notice.buttons) {
    if (typeof button.id !== 'string' || typeof button.label !== 'string' || button.label === '') {
      throw new ExtensionError('xexecNotices: every button needs an id and a label');
    }
  }
  return { label: notice.label, buttons: notice.buttons.map((b) => ({ id: b.id, label: b.label })) };
}

export class xexecNotices extends Common.ExtensionAPIPersistent {
  private readonly board = new NoticeBoard();

  // A persistent event: a listener added at the background's top level survives its suspension
  // (primed), and a click wakes the background before the event is fired.
  readonly PERSISTENT_EVENTS = {
    onButtonClicked: ({ fire }: { fire: Fire }) => {
      let current = fire;
      const off = this.board.onClick((id, buttonId) => {
        void (async () => {
          if (current.wakeup) await current.wakeup();
          await current.async(id, buttonId);
        })().catch((e: unknown) => console.warn('xexecNotices:', e));
      });
      return {
        unregister: off,
        convert(newFire: Fire) {
          current = newFire;
        },
      };
    },
  };

  override getAPI(context: ExtensionContext) {
    const board = this.board;
    return {
      xexecNotices: {
        async show(id: string, notice: Notice): Promise<void> {
          if (id === '') throw new ExtensionError('xexecNotices: the id is empty');
          await board.show(id, checkedNotice(notice));
        },
        async close(id: string): Promise<void> {
          await board.close(id);
        },
        onButtonClicked: new Common.EventManager({ context, module: 'xexecNotices', event: 'onButtonClicked', extensionApi: this }).api(),
      },
    };
  }

  override onShutdown(): void {
    // Disabled, removed, updated or Thunderbird quits: no notice outlives the add-on.
    this.board.shutdown();
  }
}
