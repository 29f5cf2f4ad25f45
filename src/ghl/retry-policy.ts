/**
 * What may be repeated and how long to wait: pure functions, so the rules are unit-tested on
 * their own. A request is repeated only when repeating cannot do a write twice.
 */
import { GhlApiError, GhlNetworkError, type HttpMethod, type ResponseHeaders } from "./failures.js";

/** Reads: every GET, and search, which GHL takes as a POST. Everything else writes. */
export function isReadRequest(method: HttpMethod, path: string): boolean {
  return method === "GET" || (method === "POST" && path === "/contacts/search");
}

/** Reads, PUT and DELETE give the same result when repeated; a POST that writes does not. */
export function isIdempotent(method: HttpMethod, path: string): boolean {
  return method !== "POST" || isReadRequest(method, path);
}

/** Statuses that say GHL (or its gateway) failed, not the request: worth another try. */
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * Whether another attempt is safe and may help. 429 is handled apart (it waits for the rate
 * limit, whatever the method: GHL refuses it before doing anything). A request that provably
 * never reached GHL (connect failure) is safe to repeat whatever the method; anything that may
 * have reached GHL is repeated only when repeating it is harmless.
 */
export function isRetryable(error: unknown, method: HttpMethod, path: string): boolean {
  if (error instanceof GhlNetworkError) {
    if (error.kind === "aborted") return false;
    if (!error.sent) return true;
    return isIdempotent(method, path);
  }
  if (error instanceof GhlApiError) return RETRYABLE_STATUS.has(error.status) && isIdempotent(method, path);
  return false;
}

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that calls failing together do not retry together, yet
 * every retry waits at least half its step.
 */
export function backoffDelay(
  retry: number,
  { baseDelayMs, maxDelayMs }: BackoffOptions,
  random = Math.random,
) {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: ResponseHeaders, now = Date.now()): number | undefined {
  const value = header(headers, "retry-after");
  if (value === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait after a 429: Retry-After when GHL sends it, else until the burst window has
 * passed (the window GHL reports, or the one the client paces by).
 */
export function rateLimitWaitMs(
  headers: ResponseHeaders,
  fallbackIntervalMs: number,
  now = Date.now(),
): number {
  const retryAfter = retryAfterMs(headers, now);
  if (retryAfter !== undefined) return retryAfter;
  return headerInt(headers, "x-ratelimit-interval-milliseconds") ?? fallbackIntervalMs;
}

/** GHL says the day's quota is used up (rather than the burst window). */
export function dailyQuotaExhausted(headers: ResponseHeaders): boolean {
  return headerInt(headers, "x-ratelimit-daily-remaining") === 0;
}

export function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A non-negative integer header, or undefined (GHL's values are untrusted like the rest). */
export function headerInt(headers: ResponseHeaders, name: string): number | undefined {
  const value = header(headers, name)?.trim();
  if (!value || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}
