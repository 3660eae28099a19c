/** At most this many addresses are tracked; the oldest windows are forgotten first. */
const MAX_ADDRESSES = 10_000;
const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  attempts: number;
}

/**
 * Console sign-in attempts per IP address: a fixed one-minute window per address, in this
 * process (a replica counts its own). Every attempt counts, successful or not, so guessing keys
 * from one address is slow and the limit needs no knowledge of which key was tried.
 */
export class SignInLimiter {
  private readonly windows = new Map<string, Window>();
  /** The clock (tests replace it). */
  now: () => number = Date.now;

  constructor(private readonly perMinute: number) {}

  /** Counts one attempt; 0 when allowed, else the seconds until the next one is. */
  take(address: string): number {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      window = { startedAt: now, attempts: 0 };
      this.windows.set(address, window);
      this.forgetOldest();
    }
    if (window.attempts >= this.perMinute) {
      return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
    }
    window.attempts += 1;
    return 0;
  }

  private forgetOldest(): void {
    while (this.windows.size > MAX_ADDRESSES) {
      const oldest = this.windows.keys().next();
      if (oldest.done) return;
      this.windows.delete(oldest.value);
    }
  }
}
