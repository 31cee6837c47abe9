/**
 * Thunderbird suspends an idle MV3 background (event page) after
 * `extensions.background.idle.timeout` (30 s by default). A pending `runtime.onMessage`
 * answer does not hold it: measured in Thunderbird 153 with a 1.5 s timeout, a background
 * waiting for a 5 s command was suspended 1.5 s after its last API call and the page's
 * sendMessage() rejected ("Receiving end does not exist"). Every call the background makes
 * to a parent-process API resets the idle timer, so while commands are pending a cheap one
 * (runtime.getPlatformInfo) is made every second. Nothing runs while no command is pending.
 */

export class KeepAlive {
  private pending = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** `ping` is a cheap API call that reaches Thunderbird's parent process. */
  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly intervalMs = 1_000,
  ) {}

  /** Runs `work`, keeping the background alive until it settles. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    if (this.pending++ === 0) {
      this.timer = setInterval(() => {
        this.ping().catch(() => {
          // a failed ping changes nothing; the next one may work
        });
      }, this.intervalMs);
    }
    try {
      return await work();
    } finally {
      if (--this.pending === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }
}
