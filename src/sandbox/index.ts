// The sandbox: an in-memory GHL Contacts API on loopback. It stands in for
// services.leadconnectorhq.com in tests (real HTTP through the real client), in --sandbox
// mode and in the demo. Requests pass the same gates as at GHL, in this order: injected
// faults, bearer token, rate limit, Version header, JSON body, route, scope, then the handler.
// Faults (faults.ts) can also act after the handler: drop the connection or garble the answer.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  badRequest,
  defaultErrorBody,
  HttpError,
  invalidToken,
  missingScope,
  routeNotFound,
  tooManyRequests,
} from "./errors.js";
import { FaultQueue, type FaultSpec } from "./faults.js";
import { RateLimiter } from "./rate-limit.js";
import { matchRoute } from "./router.js";
import { routes } from "./routes/index.js";
import { DEMO_LOCATION_ID } from "./seed.js";
import { SandboxStore } from "./store.js";

export { type FaultSpec, parseFaults } from "./faults.js";
export { DEMO_BUSINESS_ID, DEMO_CONTACT_ID, DEMO_LOCATION_ID } from "./seed.js";
export { SandboxStore } from "./store.js";
export type { ContactRecord, EventRecord, NoteRecord, TaskRecord } from "./types.js";

/** Private-integration-style token allowed to read and write contacts of the demo location. */
export const DEMO_TOKEN_WRITE = "pit-sandbox-write-4f1c2a7e-9b3d-4e5a-8c6f-1d2e3f4a5b6c";
/** Token with contacts.readonly only: every write answers 401 (scope). */
export const DEMO_TOKEN_READONLY = "pit-sandbox-readonly-8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d";

export interface SandboxToken {
  token: string;
  locationId: string;
  scopes: string[];
}

export interface SandboxOptions {
  host?: string;
  port?: number;
  tokens?: SandboxToken[];
  seed?: boolean;
  rateLimit?: { max: number; intervalMs: number; daily?: number } | false;
  /** Faults to inject from the start (GHL_SANDBOX_FAULTS in --sandbox mode). */
  faults?: FaultSpec[];
  /** Random source for `probability` faults (tests pass a fixed one). */
  random?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  responseBody: unknown;
  headers: Record<string, string | undefined>;
  locationId?: string;
  /** An injected reset closed the connection: "after" means the handler ran (status is its answer). */
  reset?: "before" | "after";
  /** The answer was sent cut short by a `malformed` fault. */
  malformed?: boolean;
  /** The client closed the connection before it was answered (e.g. a cancelled call). */
  clientClosed?: boolean;
}

export interface Sandbox {
  url: string;
  port: number;
  requests: RecordedRequest[];
  resetRequests(): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  store: SandboxStore;
  close(): Promise<void>;
}

const DEFAULT_TOKENS: SandboxToken[] = [
  { token: DEMO_TOKEN_WRITE, locationId: DEMO_LOCATION_ID, scopes: ["contacts.readonly", "contacts.write"] },
  { token: DEMO_TOKEN_READONLY, locationId: DEMO_LOCATION_ID, scopes: ["contacts.readonly"] },
];

// GHL's body parser refuses large bodies; 1 MB is plenty for any contacts request.
const MAX_BODY_BYTES = 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const tokens = new Map((options.tokens ?? DEFAULT_TOKENS).map((t) => [t.token, t]));
  const store = new SandboxStore();
  if (options.seed !== false) {
    for (const locationId of new Set([...tokens.values()].map((t) => t.locationId))) store.seed(locationId);
  }
  const limiter = new RateLimiter(options.rateLimit ?? false);
  const requests: RecordedRequest[] = [];
  const faults = new FaultQueue(options.random);
  for (const fault of options.faults ?? []) faults.add(fault);
  let closed = false;
  let baseUrl = "";

  // Pending fault delays, so close() can cut them short instead of waiting them out.
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", baseUrl);
    const raw = await readBody(req);
    const parsed = parseJson(raw, req.headers["content-type"]);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parsed.ok ? parsed.value : undefined,
      status: 0,
      responseBody: undefined,
      headers: recordedHeaders(req),
    };
    requests.push(record);
    const fault = faults.take(method, url.pathname);
    let resetBySandbox = false;
    res.on("close", () => {
      if (!res.writableFinished && !resetBySandbox) record.clientClosed = true;
    });
    const dropConnection = () => {
      resetBySandbox = true;
      res.destroy();
    };

    const reply = (status: number, body: unknown, headers: Record<string, string>) => {
      let text = typeof body === "string" ? body : JSON.stringify(body);
      record.status = status;
      record.responseBody = typeof body === "string" ? safeParse(text) : JSON.parse(text);
      if (fault?.reset === "after") {
        record.reset = "after";
        dropConnection();
        return;
      }
      if (fault?.malformed) {
        // Cut mid-value, the way a proxy that gave up half-way would leave it.
        text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
        record.malformed = true;
      }
      if (res.destroyed) return;
      // setHeader is case-insensitive, so a fault's "content-type" replaces ours, not doubles it.
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.setHeader("Content-Length", String(Buffer.byteLength(text)));
      res.writeHead(status);
      res.end(text);
    };

    if (fault?.delayMs) await sleep(fault.delayMs);
    if (closed) {
      res.destroy();
      return;
    }
    if (fault?.reset === "before") {
      record.reset = "before";
      dropConnection();
      return;
    }
    // A fault with a status or a body answers in place of the API; a body alone comes with 200
    // (to try a client on odd payloads), a status alone with GHL's error body for it.
    const answersInPlace = fault && !fault.reset && !fault.malformed;
    if (answersInPlace && (fault.status !== undefined || fault.body !== undefined)) {
      const status = fault.status ?? 200;
      const headers = fault.rateLimitHeaders === false ? {} : limiter.headers();
      if (status === 429 && fault.rateLimitHeaders !== false) headers["X-RateLimit-Remaining"] = "0";
      reply(status, fault.body ?? defaultErrorBody(status), { ...headers, ...fault.headers });
      return;
    }
    if (raw === undefined) {
      reply(
        413,
        { statusCode: 413, message: "request entity too large", error: "Payload Too Large" },
        limiter.headers(),
      );
      return;
    }

    const token = tokens.get(bearerToken(req.headers.authorization) ?? "");
    const verdict = limiter.take(token?.locationId);
    try {
      if (!token) throw invalidToken();
      record.locationId = token.locationId;
      if (!verdict.allowed) throw tooManyRequests();
      if (!req.headers.version) throw badRequest("version header was not found");
      if (!parsed.ok) throw badRequest(parsed.error, { error: "Bad Request" });
      const match = matchRoute(routes, method, url.pathname);
      if (!match) throw routeNotFound(method, url.pathname);
      if (!token.scopes.includes(match.route.scope)) throw missingScope();
      const result = match.route.handler({
        store,
        locationId: token.locationId,
        params: match.params,
        query: record.query,
        body: parsed.value,
        baseUrl,
      });
      reply(result.status, result.body, { ...verdict.headers, ...fault?.headers });
    } catch (error) {
      if (error instanceof HttpError) reply(error.status, error.body, verdict.headers);
      else reply(500, { statusCode: 500, message: "Internal Server Error" }, verdict.headers);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    requests,
    store,
    resetRequests: () => {
      requests.length = 0;
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const wake of [...sleepers]) wake();
        server.close(() => resolve());
        // Keep-alive sockets (undici pools them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  return match?.[1]?.trim();
}

/** Request headers as recorded: lower-case names, repeated values joined, token hidden. */
function recordedHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (headers.authorization !== undefined) {
    headers.authorization = /^bearer\s/i.test(headers.authorization) ? "Bearer <redacted>" : "<redacted>";
  }
  return headers;
}

/** The raw body, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large: leaving the loop early would destroy the socket
  // before the 413 could be sent.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8");
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Like Express's JSON body parser: only a JSON content type is parsed (anything else leaves the
 * body empty, so validation then complains), and a syntax error is a 400 with JSON.parse's text.
 */
function parseJson(raw: string | undefined, contentType: string | undefined): ParsedBody {
  if (raw === undefined || raw.trim() === "" || !/\bjson\b/i.test(contentType ?? "")) {
    return { ok: true, value: undefined };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : "Invalid JSON" };
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
