/**
 * The one place that speaks HTTP to GHL: a keep-alive undici pool, GHL's headers, timeouts,
 * lenient JSON parsing and typed errors. Tools never build requests; they call GhlClient.
 */
import { Pool, errors as undiciErrors } from "undici";

export interface GhlHttpOptions {
  baseUrl: string;
  token: string;
  apiVersion: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  maxConnections?: number;
  userAgent?: string;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

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
  headers: Record<string, string | string[] | undefined>;
}

/** GHL answered with a non-2xx status. `body` is the parsed error body (untrusted text). */
export class GhlApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: HttpMethod,
    readonly path: string,
    readonly body: unknown,
    readonly headers: Record<string, string | string[] | undefined>,
  ) {
    super(`GHL ${method} ${path} answered ${status}`);
    this.name = "GhlApiError";
  }
}

export type NetworkFailure = "timeout" | "connect" | "reset" | "aborted" | "malformed";

/** No usable answer from GHL. `sent` says whether the request may have reached GHL. */
export class GhlNetworkError extends Error {
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

export type RequestObserver = (event: {
  method: HttpMethod;
  path: string;
  status?: number;
  error?: Error;
  durationMs: number;
}) => void;

export class GhlHttp {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(readonly options: GhlHttpOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(this.origin, {
      connections: options.maxConnections ?? 8,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    });
    this.headers = {
      authorization: `Bearer ${options.token}`,
      version: options.apiVersion,
      accept: "application/json",
      "user-agent": options.userAgent ?? "ghl-contacts-mcp",
    };
  }

  async request<T>(req: GhlRequest, observe?: RequestObserver): Promise<GhlResponse<T>> {
    const started = performance.now();
    const path = this.basePath + req.path + queryString(req.query);
    const hasBody = req.body !== undefined;
    let status: number | undefined;
    try {
      const res = await this.pool.request({
        method: req.method,
        path,
        headers: hasBody ? { ...this.headers, "content-type": "application/json" } : this.headers,
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: req.signal,
      });
      status = res.statusCode;
      const text = await res.body.text();
      const data = parseJson(text);
      if (status < 200 || status > 299) {
        throw new GhlApiError(status, req.method, req.path, data ?? text, res.headers);
      }
      if (data === undefined && text.trim() !== "") {
        throw new GhlNetworkError("malformed", req.method, req.path, true, "response is not JSON");
      }
      observe?.({ method: req.method, path: req.path, status, durationMs: performance.now() - started });
      return { status, data: (data ?? {}) as T, headers: res.headers };
    } catch (error) {
      const failure =
        error instanceof GhlApiError || error instanceof GhlNetworkError
          ? error
          : toNetworkError(error, req.method, req.path, status !== undefined);
      observe?.({
        method: req.method,
        path: req.path,
        status,
        error: failure,
        durationMs: performance.now() - started,
      });
      throw failure;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
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
function toNetworkError(
  error: unknown,
  method: HttpMethod,
  path: string,
  gotHeaders: boolean,
): GhlNetworkError {
  const code = (error as { code?: string })?.code ?? "";
  const name = (error as { name?: string })?.name ?? "";
  const detail = code || name || "unknown error";
  if (name === "AbortError" || error instanceof undiciErrors.RequestAbortedError) {
    return new GhlNetworkError("aborted", method, path, true, detail);
  }
  if (
    error instanceof undiciErrors.ConnectTimeoutError ||
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"].includes(code)
  ) {
    return new GhlNetworkError("connect", method, path, false, detail);
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new GhlNetworkError("timeout", method, path, true, detail);
  }
  return new GhlNetworkError(
    "reset",
    method,
    path,
    true,
    gotHeaders ? `${detail} while reading body` : detail,
  );
}
