/**
 * A portal's request budget: `perSecond` tokens a second, at most `burst` saved up. A request
 * takes one token or is refused with how long until the next one comes. The clock is a parameter
 * so the arithmetic can be checked without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError('perSecond must be above 0 and burst at least 1');
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token: `0` when granted, else the milliseconds until one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
