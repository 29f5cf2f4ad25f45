/**
 * Every way a GHL request can fail, as typed errors. src/errors.ts turns them into the messages
 * agents see; the retry loop in http.ts and createOnce() decide from them what is safe to repeat.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What the retry loop learnt before giving up; set on the error it finally throws. */
export interface AttemptInfo {
  /** Requests sent for this call (1 when it was not retried). */
  attempts?: number;
  /** An earlier attempt may have reached GHL without an answer (a retried DELETE then sees 404). */
  afterUnknownOutcome?: boolean;
}

/** GHL answered with a non-2xx status. `body` is the parsed error body (untrusted text). */
export class GhlApiError extends Error implements AttemptInfo {
  attempts?: number;
  afterUnknownOutcome?: boolean;

  constructor(
    readonly status: number,
    readonly method: HttpMethod,
    readonly path: string,
    readonly body: unknown,
    readonly headers: ResponseHeaders,
  ) {
    super(`GHL ${method} ${path} answered ${status}`);
    this.name = "GhlApiError";
  }

  /**
   * GHL's own words: `message` is a string, or an array of strings for 422. At most five, as
   * sent; this is untrusted text, which each reader trims and cleans for its own use.
   */
  messages(): string[] {
    const raw = (this.body as { message?: unknown } | undefined)?.message;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    return list.filter((m): m is string => typeof m === "string").slice(0, 5);
  }
}

export type NetworkFailure = "timeout" | "connect" | "reset" | "aborted" | "malformed";

/** No usable answer from GHL. `sent` says whether the request may have reached GHL. */
export class GhlNetworkError extends Error implements AttemptInfo {
  attempts?: number;
  afterUnknownOutcome?: boolean;

  constructor(
    readonly kind: NetworkFailure,
    readonly method: HttpMethod,
    readonly path: string,
    readonly sent: boolean,
    detail: string,
  ) {
    super(`GHL ${method} ${path}: ${kind} (${detail})`);
    this.name = "GhlNetworkError";
  }
}

/**
 * True when a write may or may not have happened: it was sent and then the connection broke, the
 * answer timed out or was unreadable, or GHL (or its gateway) answered 5xx. False for answers that
 * say it did not happen (4xx, 429, a connect failure) and for cancellation.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof GhlNetworkError) return error.sent && error.kind !== "aborted";
  if (error instanceof GhlApiError) return error.status >= 500;
  return false;
}

/**
 * The client held a call back instead of sending it (or gave up after GHL's 429s), so nothing was
 * changed at GHL. `daily-quota`: GHL reported the day's quota used up; `rate-limit`: the burst
 * limit would not allow the call within the configured wait; `busy`: every connection stayed
 * taken by slow requests for that long.
 */
export type ThrottleReason = "daily-quota" | "rate-limit" | "busy";

export class GhlThrottledError extends Error implements AttemptInfo {
  attempts?: number;

  constructor(
    readonly reason: ThrottleReason,
    /** When a retry may succeed, as far as the client can tell. */
    readonly retryAfterMs: number,
    /** GHL itself answered 429 (rather than the client holding the call back). */
    readonly sawStatus429 = false,
  ) {
    super(`GHL call throttled (${reason}); retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = "GhlThrottledError";
  }
}
