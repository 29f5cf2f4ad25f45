// GHL's rate limits (per location): a burst budget per interval and a daily budget, both
// reported on every response in X-RateLimit-* headers.

export interface RateLimitOptions {
  max: number;
  intervalMs: number;
  daily?: number;
}

/** GHL's documented defaults: 100 requests per 10 s, 200,000 per day. */
export const GHL_DEFAULT_LIMITS = { max: 100, intervalMs: 10_000, daily: 200_000 };

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly limits: Required<RateLimitOptions>;
  private readonly enforced: boolean;
  // Sliding window: arrival times of the requests counted in the current interval.
  private readonly recent = new Map<string, number[]>();
  private readonly daily = new Map<string, { day: string; count: number }>();

  constructor(options: RateLimitOptions | false) {
    this.enforced = options !== false;
    this.limits = options === false ? GHL_DEFAULT_LIMITS : { daily: GHL_DEFAULT_LIMITS.daily, ...options };
  }

  /**
   * Counts one request of the location and says whether it may proceed. When limits are not
   * enforced nothing is counted and the headers report a full budget: a client that paces
   * itself from these headers must not slow down in demos and tests that did not ask for it.
   */
  take(locationId: string | undefined, now = Date.now()): RateLimitVerdict {
    if (!this.enforced || locationId === undefined) return this.verdict(true, 0, 0);
    const window = (this.recent.get(locationId) ?? []).filter((t) => t > now - this.limits.intervalMs);
    this.recent.set(locationId, window);
    const day = new Date(now).toISOString().slice(0, 10);
    let daily = this.daily.get(locationId);
    if (!daily || daily.day !== day) {
      daily = { day, count: 0 };
      this.daily.set(locationId, daily);
    }
    // A refused request does not use up budget, so a client that waits gets through.
    if (window.length >= this.limits.max || daily.count >= this.limits.daily) {
      return this.verdict(false, window.length, daily.count);
    }
    window.push(now);
    daily.count++;
    return this.verdict(true, window.length, daily.count);
  }

  /** Headers for a response that did not go through `take` (faults, unauthenticated). */
  headers(): Record<string, string> {
    return this.verdict(true, 0, 0).headers;
  }

  private verdict(allowed: boolean, usedBurst: number, usedDaily: number): RateLimitVerdict {
    const { max, intervalMs, daily } = this.limits;
    return {
      allowed,
      headers: {
        "X-RateLimit-Limit-Daily": String(daily),
        "X-RateLimit-Daily-Remaining": String(Math.max(0, daily - usedDaily)),
        "X-RateLimit-Interval-Milliseconds": String(intervalMs),
        "X-RateLimit-Max": String(max),
        "X-RateLimit-Remaining": String(Math.max(0, max - usedBurst)),
      },
    };
  }
}
