/**
 * The Streamable HTTP transport (`--http`), on plain node:http. It is stateless: each POST to
 * /mcp gets its own MCP server and transport (SDK 1.32 refuses to reuse a stateless transport),
 * bound to the caller's tenant, so any replica can answer any request and nothing is kept
 * between requests. Making the server costs no schema work: the registry, each tenant's tool
 * selection and GHL pool are built once at start, and per-request narrowing is cached.
 *
 * Order of checks on /mcp: shutting down (503), Host (403), Origin (403), bearer key (401),
 * method (405), narrowing headers (400), body size (413), media type (415), JSON (400), then MCP.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { App, Tenant } from "../app.js";
import type { Logger } from "../log.js";
import type { ToolSelection } from "../registry.js";
import { VERSION } from "../version.js";
import { createAuthenticator, type Principal } from "./auth.js";
import type { HttpConfig } from "./config.js";
import { hostAllowed, normalizeOrigin, originAllowed, readBody } from "./guards.js";
import { type Narrowing, narrowingFromHeaders, narrowingKey, narrowTools } from "./narrow.js";

export const MCP_PATH = "/mcp";
export const HEALTH_PATH = "/healthz";
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a shutdown waits for in-flight requests by default. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

const REALM = 'Bearer realm="ghl-contacts-mcp"';
const CORS_ALLOW_HEADERS =
  "authorization, content-type, accept, mcp-protocol-version, last-event-id, x-mcp-read-only, x-mcp-toolsets";

export interface HttpService {
  /** Base URL, e.g. http://127.0.0.1:3000 (MCP is at `${url}/mcp`). */
  url: string;
  port: number;
  /** Requests being answered right now. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then closes
   * every connection. `drained` is false when requests had to be cut off.
   */
  shutdown(graceMs?: number): Promise<{ drained: boolean }>;
}

interface RequestContext {
  /** Carries the request's id on every line. */
  log: Logger;
  /** Set once the bearer key is known: tenant name, key id or "anonymous". */
  caller: string | undefined;
}

export async function startHttpServer(
  app: App,
  config: HttpConfig,
  log: Logger = app.log,
): Promise<HttpService> {
  const authenticate = createAuthenticator(app, config.auth);
  const health = JSON.stringify({
    status: "ok",
    version: VERSION,
    ghlConfigured: app.primary ? app.config.token !== "" : app.tenants.size > 0,
    sandbox: app.config.sandbox,
  });

  const narrowed = new Map<string, ToolSelection>();
  function toolsFor(tenant: Tenant, narrowing: Narrowing): ToolSelection {
    const key = `${tenant.name}\n${narrowingKey(narrowing)}`;
    let tools = narrowed.get(key);
    if (!tools) {
      tools = narrowTools(
        tenant.tools,
        narrowing,
        "this connection's X-MCP-Read-Only / X-MCP-Toolsets headers",
      );
      narrowed.set(key, tools);
    }
    return tools;
  }

  let closing = false;
  let active = 0;
  let onIdle: (() => void) | undefined;

  async function handleMcp(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    if (!hostAllowed(req.headers.host, config.allowedHosts)) {
      rpcError(res, 403, -32000, "Forbidden: this Host is not allowed (add it to MCP_ALLOWED_HOSTS).");
      return;
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin, config.allowedOrigins)) {
      rpcError(res, 403, -32000, "Forbidden: this Origin is not allowed (add it to MCP_ALLOWED_ORIGINS).");
      return;
    }
    if (origin !== undefined) setCorsHeaders(res, origin);
    if (req.method === "OPTIONS" && origin !== undefined) {
      // A browser's preflight carries no credentials; the real request is authenticated.
      res.writeHead(204, {
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": CORS_ALLOW_HEADERS,
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }

    const auth = authenticate(req.headers.authorization);
    if (!auth.ok) {
      const challenge = auth.reason === "missing" ? REALM : `${REALM}, error="invalid_token"`;
      const message =
        auth.reason === "missing"
          ? "Unauthorized: send Authorization: Bearer <your MCP key>."
          : "Unauthorized: this bearer key is not valid.";
      rpcError(res, 401, -32000, message, { "www-authenticate": challenge });
      return;
    }
    const { caller, tenant } = auth.principal;
    ctx.caller = caller;

    if (req.method !== "POST") {
      // Stateless: no standalone SSE stream (GET) and no session to end (DELETE).
      rpcError(res, 405, -32000, "Method not allowed: this server is stateless; send JSON-RPC with POST.", {
        allow: "POST",
      });
      return;
    }

    const narrowing = narrowingFromHeaders(req.headers);
    if ("error" in narrowing) {
      rpcError(res, 400, -32600, `Invalid request: ${narrowing.error}`);
      return;
    }

    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) {
      rpcError(res, 413, -32000, `Payload too large: the limit is ${MAX_BODY_BYTES} bytes.`, {
        connection: "close",
      });
      return;
    }
    if (!/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) {
      rpcError(res, 415, -32000, "Unsupported media type: send Content-Type: application/json.");
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(body.body.toString("utf8"));
    } catch {
      rpcError(res, 400, -32700, "Parse error: the body is not valid JSON.");
      return;
    }

    await serveMcp(req, res, message, auth.principal, toolsFor(tenant, narrowing), ctx.log);
  }

  async function serveMcp(
    req: IncomingMessage,
    res: ServerResponse,
    message: unknown,
    principal: Principal,
    tools: ToolSelection,
    reqLog: Logger,
  ): Promise<void> {
    const server = app.serverFor(principal.tenant, principal.caller, {
      tools,
      log: reqLog.child({ caller: principal.caller }),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    transport.onerror = (error) => reqLog.debug({ err: error.message }, "MCP transport refused the request");
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  }

  function handleHealth(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, { error: "method not allowed" }, { allow: "GET, HEAD" });
      return;
    }
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(health),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : health);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (closing) {
      // Tell the load balancer to go elsewhere; in-flight requests still finish.
      res.setHeader("connection", "close");
      rpcError(res, 503, -32000, "Server is shutting down; retry.", { "retry-after": "1" });
      return;
    }
    if (path === HEALTH_PATH) {
      handleHealth(req, res);
      return;
    }
    if (path === MCP_PATH) return handleMcp(req, res, ctx);
    send(res, 404, { error: "not found", mcp: MCP_PATH });
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const httpRequestId = randomUUID();
    const reqLog = log.child({ httpRequestId });
    res.setHeader("x-request-id", httpRequestId);
    active++;
    const ctx: RequestContext = { log: reqLog, caller: undefined };
    res.on("close", () => {
      active--;
      const line = {
        method: req.method,
        path: req.url?.split("?", 1)[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        caller: ctx.caller,
      };
      if (line.path === HEALTH_PATH) reqLog.debug(line, "http request");
      else reqLog.info(line, "http request");
      if (active === 0) onIdle?.();
    });
    handle(req, res, ctx).catch((error: unknown) => {
      reqLog.error({ err: error }, "HTTP request failed");
      if (!res.headersSent) rpcError(res, 500, -32603, "Internal error; see the server log.");
      else res.destroy();
    });
  });
  // Slow or stalled clients must not hold a connection (and a shutdown) forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl =
    config.host.includes(":") && !config.host.startsWith("[") ? `[${config.host}]` : config.host;

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    inFlight: () => active,
    async shutdown(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained =
        active === 0 ||
        (await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), graceMs);
          onIdle = () => {
            clearTimeout(timer);
            resolve(true);
          };
        }));
      server.closeAllConnections();
      await closed;
      return { drained };
    },
  };
}

function setCorsHeaders(res: ServerResponse, origin: string) {
  // Only reached for an allowed origin; echo it (normalized) rather than "*".
  res.setHeader("access-control-allow-origin", normalizeOrigin(origin) ?? "null");
  res.setHeader("access-control-expose-headers", "www-authenticate, x-request-id");
  res.setHeader("vary", "origin");
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** An HTTP-level refusal as a JSON-RPC error without an id, the way the SDK answers them. */
function rpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
) {
  send(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}
