/**
 * The one place that speaks HTTP to GHL: a keep-alive undici pool, GHL's headers, lenient JSON
 * parsing and typed errors, and the resilience around each request: pacing within GHL's rate
 * limits (pacer.ts), a deadline per attempt, and retries only where repeating is harmless
 * (retry-policy.ts). Tools never build requests; they call GhlClient.
 */
import type { Pool } from "undici";
import {
  GhlApiError,
  GhlNetworkError,
  GhlThrottledError,
  type HttpMethod,
  isOutcomeUnknown,
  type ResponseHeaders,
} from "./failures.js";
import { Pacer, type PacerSnapshot, type Permit, type RateLimit } from "./pacer.js";
import { backoffDelay, dailyQuotaExhausted, isRetryable, rateLimitWaitMs } from "./retry-policy.js";
import { sleep, WaitAborted } from "./sleep.js";

export type { HttpMethod, NetworkFailure, ThrottleReason } from "./failures.js";
export { GhlApiError, GhlNetworkError, GhlThrottledError } from "./failures.js";

export interface GhlHttpOptions {
  baseUrl: string;
  token: string;
  apiVersion: string;
  /** Deadline of one attempt, from sending to the last byte of the answer. Default 30 s. */
  timeoutMs?: number;
  /** Default: the lesser of timeoutMs and 10 s. */
  connectTimeoutMs?: number;
  /** Default: timeoutMs. */
  headersTimeoutMs?: number;
  /** Longest silence while reading the body. Default: timeoutMs. */
  bodyTimeoutMs?: number;
  /** Same as maxConcurrency (kept for existing callers). */
  maxConnections?: number;
  /** Requests in flight at once (the pool's connections too). Default 8. */
  maxConcurrency?: number;
  /** Starting burst limit, corrected from GHL's X-RateLimit-* headers. Default 100 per 10 s. */
  rateLimit?: RateLimit;
  /** Retries after a 5xx, reset or timeout (for requests safe to repeat). Default 3. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with jitter. Default 300 ms. */
  retryBaseDelayMs?: number;
  /** Longest backoff step. Default 5 s. */
  retryMaxDelayMs?: number;
  /** No retry starts later than this after the first attempt. Default 60 s. */
  retryBudgetMs?: number;
  /** Longest a call waits for the rate limit (queue and 429s together). Default 30 s. */
  maxRateWaitMs?: number;
  /** How long calls fail fast after GHL reports the daily quota used up, before one probes. Default 60 s. */
  dailyRecheckMs?: number;
  userAgent?: string;
}

/**
 * The options that decide pacing, retries and timeouts: configuration sets the first five from
 * the environment; the rest keep their defaults unless a program (or a test) sets them.
 */
export type ResilienceOptions = Pick<
  GhlHttpOptions,
  | "rateLimit"
  | "maxConcurrency"
  | "maxRetries"
  | "timeoutMs"
  | "maxRateWaitMs"
  | "retryBaseDelayMs"
  | "retryMaxDelayMs"
  | "retryBudgetMs"
  | "dailyRecheckMs"
>;

export interface GhlRequest {
  method: HttpMethod;
  /** Path below the base URL, with ids already validated and encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface GhlResponse<T> {
  status: number;
  data: T;
  headers: ResponseHeaders;
}

/** Called once per attempt (so a retried request reports each try). */
export type RequestObserver = (event: {
  method: HttpMethod;
  path: string;
  status?: number;
  error?: Error;
  durationMs: number;
  /** 1 for the first try of a request. */
  attempt?: number;
}) => void;

export const DEFAULT_RATE_LIMIT: RateLimit = { max: 100, intervalMs: 10_000 };
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONCURRENCY = 8;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_MAX_RATE_WAIT_MS = 30_000;
/** 429s in a row after which a call stops waiting, whatever the time left (a Retry-After: 0 loop). */
const MAX_RATE_LIMITED_ATTEMPTS = 10;

/** The reason an attempt's own deadline aborts it (told apart from the caller's cancellation). */
const ATTEMPT_TIMED_OUT = new Error("attempt timed out");

interface RetrySettings {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budgetMs: number;
  maxRateWaitMs: number;
}

export class GhlHttp {
  readonly origin: string;
  private readonly basePath: string;
  private readonly poolOptions: Pool.Options;
  private poolLoading: Promise<Pool> | undefined;
  private readonly headers: Record<string, string>;
  private readonly pacer: Pacer;
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;

  constructor(readonly options: GhlHttpOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const concurrency = options.maxConcurrency ?? options.maxConnections ?? DEFAULT_MAX_CONCURRENCY;
    this.poolOptions = {
      connections: concurrency,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs ?? Math.min(this.timeoutMs, 10_000) },
      headersTimeout: options.headersTimeoutMs ?? this.timeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? this.timeoutMs,
    };
    this.pacer = new Pacer({
      rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      maxConcurrency: concurrency,
      dailyRecheckMs: options.dailyRecheckMs,
    });
    this.retry = {
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      baseDelayMs: options.retryBaseDelayMs ?? 300,
      maxDelayMs: options.retryMaxDelayMs ?? 5_000,
      budgetMs: options.retryBudgetMs ?? 60_000,
      maxRateWaitMs: options.maxRateWaitMs ?? DEFAULT_MAX_RATE_WAIT_MS,
    };
    this.headers = {
      authorization: `Bearer ${options.token}`,
      version: options.apiVersion,
      accept: "application/json",
      "user-agent": options.userAgent ?? "ghl-contacts-mcp",
    };
  }

  /** The pacer's current view of the limits and its queue (for logs, tests and benchmarks). */
  pacing(): PacerSnapshot {
    return this.pacer.snapshot();
  }

  /**
   * Sends a request within the rate limit and retries it while that is safe: 429 after the wait
   * GHL asks for (any method: GHL refused it before doing anything); 5xx, resets and timeouts
   * only for requests safe to repeat; a connect failure for any request (it never left).
   * The error finally thrown carries `attempts`.
   */
  async request<T>(req: GhlRequest, observe?: RequestObserver): Promise<GhlResponse<T>> {
    const { retry } = this;
    const started = performance.now();
    let attempts = 0;
    let failedAttempts = 0;
    let rateLimitedAttempts = 0;
    let rateWaitedMs = 0;
    let outcomeUnknown = false;
    for (;;) {
      const waitStarted = performance.now();
      const permit = await this.acquire(req, retry.maxRateWaitMs - rateWaitedMs, attempts);
      rateWaitedMs += performance.now() - waitStarted;
      attempts++;
      let failure: GhlApiError | GhlNetworkError;
      try {
        return await this.attempt<T>(req, permit, observe, attempts);
      } catch (error) {
        failure = error as GhlApiError | GhlNetworkError;
      }

      if (failure instanceof GhlApiError && failure.status === 429) {
        if (dailyQuotaExhausted(failure.headers)) {
          const recheckMs = this.pacer.dailyQuotaExhausted();
          throw withAttempts(new GhlThrottledError("daily-quota", recheckMs, true), attempts);
        }
        const wait = rateLimitWaitMs(failure.headers, this.pacer.limit.intervalMs);
        rateLimitedAttempts++;
        if (rateLimitedAttempts >= MAX_RATE_LIMITED_ATTEMPTS || rateWaitedMs + wait > retry.maxRateWaitMs) {
          throw withAttempts(new GhlThrottledError("rate-limit", wait, true), attempts);
        }
        this.pacer.pause(wait); // every call waits, not just this one: the budget is shared
        continue;
      }

      if (isOutcomeUnknown(failure)) outcomeUnknown = true;
      failedAttempts++;
      const delay = backoffDelay(failedAttempts, {
        baseDelayMs: retry.baseDelayMs,
        maxDelayMs: retry.maxDelayMs,
      });
      const inBudget = performance.now() - started + delay <= retry.budgetMs;
      if (!isRetryable(failure, req.method, req.path) || failedAttempts > retry.maxRetries || !inBudget) {
        failure.attempts = attempts;
        if (failure instanceof GhlApiError && outcomeUnknown) failure.afterUnknownOutcome = true;
        throw failure;
      }
      try {
        await sleep(delay, req.signal);
      } catch {
        throw new GhlNetworkError(
          "aborted",
          req.method,
          req.path,
          outcomeUnknown,
          "cancelled during backoff",
        );
      }
    }
  }

  close(): Promise<void> {
    this.pacer.close();
    return this.poolLoading?.then((pool) => pool.close()) ?? Promise.resolve();
  }

  /** undici loads on the first request rather than at start: it was a fifth of our cold start. */
  private pool(): Promise<Pool> {
    this.poolLoading ??= import("undici").then(({ Pool }) => new Pool(this.origin, this.poolOptions));
    return this.poolLoading;
  }

  private async acquire(req: GhlRequest, maxWaitMs: number, attempts: number): Promise<Permit> {
    try {
      return await this.pacer.acquire(req.signal, Math.max(0, maxWaitMs));
    } catch (error) {
      if (error instanceof WaitAborted) {
        throw new GhlNetworkError(
          "aborted",
          req.method,
          req.path,
          false,
          "cancelled while waiting for the rate limit",
        );
      }
      if (error instanceof GhlThrottledError) throw withAttempts(error, attempts);
      throw error;
    }
  }

  /** One try, within its own deadline; tells the pacer what GHL said about the limits. */
  private async attempt<T>(
    req: GhlRequest,
    permit: Permit,
    observe: RequestObserver | undefined,
    attempt: number,
  ): Promise<GhlResponse<T>> {
    const started = performance.now();
    const path = this.basePath + req.path + queryString(req.query);
    const hasBody = req.body !== undefined;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(ATTEMPT_TIMED_OUT), this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    let status: number | undefined;
    try {
      const pool = await this.pool();
      const res = await pool.request({
        method: req.method,
        path,
        headers: hasBody ? { ...this.headers, "content-type": "application/json" } : this.headers,
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal,
      });
      status = res.statusCode;
      permit.finish({ reached: true, headers: res.headers, rateLimited: status === 429 });
      const text = await res.body.text();
      const data = parseJson(text);
      if (status < 200 || status > 299) {
        throw new GhlApiError(status, req.method, req.path, data ?? text, res.headers);
      }
      if (data === undefined && text.trim() !== "") {
        throw new GhlNetworkError("malformed", req.method, req.path, true, "response is not JSON");
      }
      observe?.({
        method: req.method,
        path: req.path,
        status,
        durationMs: performance.now() - started,
        attempt,
      });
      return { status, data: (data ?? {}) as T, headers: res.headers };
    } catch (error) {
      const failure =
        error instanceof GhlApiError || error instanceof GhlNetworkError
          ? error
          : toNetworkError(error, req, status !== undefined);
      permit.finish({ reached: !(failure instanceof GhlNetworkError) || failure.sent });
      observe?.({
        method: req.method,
        path: req.path,
        status,
        error: failure,
        durationMs: performance.now() - started,
        attempt,
      });
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }
}

function withAttempts<E extends GhlThrottledError>(error: E, attempts: number): E {
  if (attempts > 0) error.attempts = attempts;
  return error;
}

function queryString(query: GhlRequest["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Classifies an undici failure; `sent` is false only when the request provably never left. */
function toNetworkError(error: unknown, req: GhlRequest, gotHeaders: boolean): GhlNetworkError {
  const { method, path } = req;
  const code = (error as { code?: string })?.code ?? "";
  const name = (error as { name?: string })?.name ?? "";
  const detail = code || name || "unknown error";
  if (req.signal?.aborted) return new GhlNetworkError("aborted", method, path, true, "cancelled");
  if (["UND_ERR_CONNECT_TIMEOUT", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"].includes(code)) {
    return new GhlNetworkError("connect", method, path, false, detail);
  }
  if (error === ATTEMPT_TIMED_OUT || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new GhlNetworkError(
      "timeout",
      method,
      path,
      true,
      error === ATTEMPT_TIMED_OUT ? "deadline" : detail,
    );
  }
  // undici's error classes are matched by code, so that this module need not load undici eagerly.
  if (name === "AbortError" || code === "UND_ERR_ABORTED") {
    return new GhlNetworkError("aborted", method, path, true, detail);
  }
  return new GhlNetworkError(
    "reset",
    method,
    path,
    true,
    gotHeaders ? `${detail} while reading body` : detail,
  );
}
