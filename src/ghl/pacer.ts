/**
 * Keeps the client inside GHL's limits by itself, so a busy agent waits briefly instead of being
 * refused: at most `maxConcurrency` requests in flight, at most `max` requests in any sliding
 * window of `intervalMs`, a pause after a 429, and no request at all once GHL reports the day's
 * quota used up. The limits start from configuration and follow GHL's X-RateLimit-* headers.
 *
 * Counting: a request holds a slot of the window from the moment it is sent until `intervalMs`
 * after its answer arrived. GHL counted it somewhere in between, so by the time the client frees
 * the slot GHL has freed it too, however the latency varies; this is what makes the pacing safe
 * without guessing clock offsets.
 */
import { GhlThrottledError, type ResponseHeaders } from "./failures.js";
import { headerInt } from "./retry-policy.js";
import { WaitAborted } from "./sleep.js";

export interface RateLimit {
  /** Requests allowed in any window of `intervalMs`. */
  max: number;
  intervalMs: number;
}

export interface PacerOptions {
  rateLimit: RateLimit;
  maxConcurrency: number;
  /** After GHL reports the daily quota used up, calls fail fast for this long, then one probes. */
  dailyRecheckMs?: number;
  /** Monotonic clock in ms; tests pass their own. */
  now?: () => number;
}

/**
 * A granted request. `finish` once it is over: whether it may have reached GHL, GHL's headers, and
 * whether GHL refused it with 429 (then the caller pauses the pacer for as long as GHL asks, which
 * takes precedence over what X-RateLimit-Remaining would suggest).
 */
export interface Permit {
  finish(outcome: { reached: boolean; headers?: ResponseHeaders; rateLimited?: boolean }): void;
}

export interface PacerSnapshot {
  max: number;
  intervalMs: number;
  inFlight: number;
  queued: number;
  /** Slots of the current window taken (in flight, recently answered, or used by others). */
  used: number;
  dailyRemaining: number | undefined;
  pausedForMs: number;
}

interface Waiter {
  grant(permit: Permit): void;
  fail(error: Error): void;
}

const DEFAULT_DAILY_RECHECK_MS = 60_000;
// Sanity bounds for header values: GHL's numbers are untrusted like the rest of its answer.
const MAX_LIMIT = 100_000;
const MAX_INTERVAL_MS = 24 * 60 * 60 * 1000;

export class Pacer {
  private max: number;
  private intervalMs: number;
  private readonly maxConcurrency: number;
  private readonly dailyRecheckMs: number;
  private readonly now: () => number;

  private inFlight = 0;
  /** When our answered requests came back, oldest first. */
  private readonly answered: number[] = [];
  /** When we learnt of requests counted by GHL that were not ours (another process on the token). */
  private readonly foreign: number[] = [];
  /** Grants so far; tells how many requests left after a given one. */
  private grants = 0;
  private pausedUntil = 0;
  private dailyRemaining: number | undefined;
  private dailyBlockedUntil = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PacerOptions) {
    this.max = options.rateLimit.max;
    this.intervalMs = options.rateLimit.intervalMs;
    this.maxConcurrency = options.maxConcurrency;
    this.dailyRecheckMs = options.dailyRecheckMs ?? DEFAULT_DAILY_RECHECK_MS;
    this.now = options.now ?? (() => performance.now());
  }

  get limit(): RateLimit {
    return { max: this.max, intervalMs: this.intervalMs };
  }

  snapshot(): PacerSnapshot {
    const now = this.now();
    return {
      max: this.max,
      intervalMs: this.intervalMs,
      inFlight: this.inFlight,
      queued: this.queue.length,
      used: this.used(now),
      dailyRemaining: this.dailyRemaining,
      pausedForMs: Math.max(0, this.pausedUntil - now),
    };
  }

  /**
   * Waits for a slot, first come first served. Rejects with GhlThrottledError when the daily quota
   * is gone (at once) or no slot frees within `maxWaitMs`, and with WaitAborted when `signal` aborts.
   */
  acquire(signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(new WaitAborted());
    const now = this.now();
    const refusal = this.dailyRefusal(now);
    if (refusal) return Promise.reject(refusal);
    // A pause longer than the caller may wait: say so now rather than after waiting in vain.
    if (this.pausedUntil - now > maxWaitMs) {
      return Promise.reject(new GhlThrottledError("rate-limit", this.pausedUntil - now));
    }
    return new Promise<Permit>((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(deadline);
        signal?.removeEventListener("abort", onAbort);
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: (permit) => {
          settle();
          resolve(permit);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(new WaitAborted());
      signal?.addEventListener("abort", onAbort, { once: true });
      if (Number.isFinite(maxWaitMs)) {
        deadline = setTimeout(() => waiter.fail(this.gaveUp()), Math.max(0, maxWaitMs));
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Holds every request back for `ms` (after a 429). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  /** Fails every waiting call and stops the timer (the client is closing). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of [...this.queue]) waiter.fail(new WaitAborted());
  }

  /** Milliseconds until the window has a free slot: 0 now, Infinity until an in-flight request ends. */
  windowWait(now = this.now()): number {
    const window = this.windowMs();
    this.prune(now, window);
    const excess = this.used(now) - this.max;
    if (excess < 0) return 0;
    // The (excess + 1)-th slot to expire is the one that makes room.
    const expiring = mergeSorted(this.answered, this.foreign);
    const slot = expiring[excess];
    return slot === undefined ? Number.POSITIVE_INFINITY : Math.max(0, slot + window - now);
  }

  /**
   * Learns from an answer's headers. `ownAtGrant` and `grantSeq` describe the request when it was
   * granted, so that our own requests GHL counted in the meantime are not taken for others'.
   */
  learn(
    headers: ResponseHeaders,
    ownAtGrant: number,
    grantSeq: number,
    now = this.now(),
    rateLimited = false,
  ): void {
    const max = headerInt(headers, "x-ratelimit-max");
    if (max !== undefined && max > 0 && max <= MAX_LIMIT) this.max = max;
    const interval = headerInt(headers, "x-ratelimit-interval-milliseconds");
    if (interval !== undefined && interval > 0 && interval <= MAX_INTERVAL_MS) this.intervalMs = interval;
    const sentSince = this.grants - grantSeq;

    const remaining = headerInt(headers, "x-ratelimit-remaining");
    if (remaining !== undefined && !rateLimited) {
      this.prune(now, this.windowMs());
      // GHL counted at most our requests in flight or answered when this one left, plus those
      // sent after it. Anything above that is someone else's traffic on the same budget.
      const others = this.max - Math.min(remaining, this.max) - (ownAtGrant + sentSince);
      const unknown = Math.min(others, this.max) - this.foreign.length;
      for (let i = 0; i < unknown; i++) this.foreign.push(now);
    }

    const daily = headerInt(headers, "x-ratelimit-daily-remaining");
    if (daily !== undefined) {
      // Requests sent after this one may not be in GHL's count yet: assume they are to come.
      this.dailyRemaining = daily - sentSince;
      this.dailyBlockedUntil = this.dailyRemaining <= 0 ? now + this.dailyRecheckMs : 0;
    }
  }

  /** GHL answered 429 with the daily quota used up: fail fast from now on. Returns how long. */
  dailyQuotaExhausted(now = this.now()): number {
    this.dailyRemaining = 0;
    this.dailyBlockedUntil = now + this.dailyRecheckMs;
    return this.dailyRecheckMs;
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const now = this.now();
      const refusal = this.dailyRefusal(now);
      if (refusal) {
        for (const waiter of [...this.queue]) waiter.fail(refusal);
        return;
      }
      if (this.inFlight >= this.maxConcurrency) return; // a finish pumps again
      const wait = Math.max(this.pausedUntil - now, this.windowWait(now));
      if (wait > 0) {
        if (Number.isFinite(wait)) this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
        return;
      }
      this.queue[0]?.grant(this.grant(now));
    }
  }

  private grant(now: number): Permit {
    this.inFlight++;
    this.grants++;
    if (this.dailyRemaining !== undefined) {
      this.dailyRemaining--;
      if (this.dailyRemaining <= 0) this.dailyBlockedUntil = now + this.dailyRecheckMs;
    }
    const grantSeq = this.grants;
    const ownAtGrant = this.inFlight + this.answered.length;
    let finished = false;
    return {
      finish: ({ reached, headers, rateLimited }) => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        const at = this.now();
        // A request that never reached GHL (connect failure) used none of its budget.
        if (reached) this.answered.push(at);
        if (headers) this.learn(headers, ownAtGrant, grantSeq, at, rateLimited);
        this.pump();
      },
    };
  }

  private dailyRefusal(now: number): GhlThrottledError | undefined {
    if (this.dailyRemaining === undefined || this.dailyRemaining > 0) return undefined;
    if (now < this.dailyBlockedUntil)
      return new GhlThrottledError("daily-quota", this.dailyBlockedUntil - now);
    // Time to look again: let one request through; its answer says whether the quota is back.
    this.dailyRemaining = 1;
    return undefined;
  }

  private gaveUp(): GhlThrottledError {
    const now = this.now();
    const windowWait = this.windowWait(now);
    const rateBound = this.pausedUntil > now || windowWait > 0;
    if (!rateBound && this.inFlight >= this.maxConcurrency) return new GhlThrottledError("busy", 1000);
    const wait = Math.max(
      this.pausedUntil - now,
      Number.isFinite(windowWait) ? windowWait : this.intervalMs,
      1000,
    );
    return new GhlThrottledError("rate-limit", wait);
  }

  private used(now: number): number {
    this.prune(now, this.windowMs());
    return this.inFlight + this.answered.length + this.foreign.length;
  }

  /** A little longer than GHL's window, for timer and clock granularity (1%, at least 1 ms). */
  private windowMs(): number {
    return this.intervalMs + Math.max(1, Math.ceil(this.intervalMs / 100));
  }

  private prune(now: number, window: number): void {
    while (this.answered.length && (this.answered[0] as number) + window <= now) this.answered.shift();
    while (this.foreign.length && (this.foreign[0] as number) + window <= now) this.foreign.shift();
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[];
  return [...a, ...b].sort((x, y) => x - y);
}
