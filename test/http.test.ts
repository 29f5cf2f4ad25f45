/**
 * The Streamable HTTP transport, driven by the SDK's own StreamableHTTPClientTransport against
 * the real server on an ephemeral loopback port, with GHL played by the sandbox (two locations
 * with different tokens for the tenant tests). Raw node:http requests check what a client library
 * would hide: status codes, headers, a forged Host. The SIGTERM test spawns the built binary.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp, toolRegistry } from "../src/app.js";
import { ConfigError, parseCommandLine } from "../src/config.js";
import { sha256 } from "../src/http/auth.js";
import { type HttpConfig, parseHttpConfig } from "../src/http/config.js";
import { type HttpService, MAX_BODY_BYTES, startHttpServer } from "../src/http/server.js";
import type { Logger } from "../src/log.js";
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_WRITE,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/index.js";
import { seedId } from "../src/sandbox/seed.js";

const BIN = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
const built = existsSync(BIN);
if (!built) console.warn(`HTTP binary tests skipped: ${BIN} is missing; run \`npm run build\`.`);

const toolNames = toolRegistry().all.map((t) => t.name);
const newKey = () => randomBytes(24).toString("hex");
const KEY_1 = newKey();
const KEY_2 = newKey();
const KEY_ACME = newKey();
const KEY_BRAVO = newKey();

const LOCATION_A = "locAcme000000000000A";
const LOCATION_B = "locBravo000000000000B";
const TOKEN_A = "pit-tenant-acme-0a1b2c3d4e5f60718293";
const TOKEN_B = "pit-tenant-bravo-9f8e7d6c5b4a39281706";
const CONTACT_A = seedId(LOCATION_A, "contact:maya-patel");
const CONTACT_B = seedId(LOCATION_B, "contact:maya-patel");
const SECRETS = [KEY_1, KEY_2, KEY_ACME, KEY_BRAVO, TOKEN_A, TOKEN_B, DEMO_TOKEN_WRITE];

/** A pino logger that keeps its lines in memory, to check what reaches the log. */
function memoryLogger(): { log: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = pino({ level: "debug" }, stream) as unknown as Logger;
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

interface Running {
  app: App;
  service: HttpService;
  logs: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

async function startServer(env: Record<string, string>, argv: string[] = []): Promise<Running> {
  // Nothing here writes to GHL; keep the audit log off the user's ~/.local/state all the same.
  const fullEnv = { GHL_AUDIT_FILE: "off", ...env };
  const { config, httpFlags } = parseCommandLine(["--http", "--port", "0", ...argv], fullEnv, toolNames);
  const http = parseHttpConfig(httpFlags, fullEnv) as HttpConfig;
  const logs = memoryLogger();
  const app = await startApp(config, logs.log, http.auth.kind === "tenants" ? http.auth.tenants : []);
  const service = await startHttpServer(app, http, logs.log);
  return {
    app,
    service,
    logs,
    async close() {
      await service.shutdown(1000);
      await app.close();
    },
  };
}

async function connect(service: HttpService, key: string | undefined, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), {
    requestInit: { headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } },
  });
  const client = new Client({ name: "http-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): { error?: { code: number; message: string }; [key: string]: unknown };
}

/** A plain HTTP request, so that tests can forge headers (Host) that fetch would not send. */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer[] },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? "POST",
        path: options.path ?? "/mcp",
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
          }),
        );
      },
    );
    req.on("error", reject);
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

let sandbox: Sandbox;
let keyed: Running;
let tenanted: Running;

beforeAll(async () => {
  sandbox = await startSandbox({
    tokens: [
      {
        token: DEMO_TOKEN_WRITE,
        locationId: DEMO_LOCATION_ID,
        scopes: ["contacts.readonly", "contacts.write"],
      },
      { token: TOKEN_A, locationId: LOCATION_A, scopes: ["contacts.readonly", "contacts.write"] },
      { token: TOKEN_B, locationId: LOCATION_B, scopes: ["contacts.readonly"] },
    ],
  });
  keyed = await startServer({
    GHL_TOKEN: DEMO_TOKEN_WRITE,
    GHL_BASE_URL: sandbox.url,
    GHL_LOCATION_ID: DEMO_LOCATION_ID,
    GHL_SCOPES: "contacts.readonly contacts.write",
    MCP_AUTH_TOKENS: `${KEY_1}, ${KEY_2}`,
    MCP_ALLOWED_HOSTS: "mcp.example.com",
    MCP_ALLOWED_ORIGINS: "https://app.example.com",
  });

  const dir = mkdtempSync(join(tmpdir(), "ghl-tenants-"));
  const file = join(dir, "tenants.json");
  writeFileSync(
    file,
    JSON.stringify({
      tenants: [
        {
          name: "acme",
          keySha256: sha256(KEY_ACME).toString("hex"),
          ghlTokenEnv: "ACME_GHL_TOKEN",
          locationId: LOCATION_A,
          scopes: ["contacts.readonly", "contacts.write"],
        },
        {
          name: "bravo",
          keySha256: sha256(KEY_BRAVO).toString("hex").toUpperCase(),
          ghlToken: TOKEN_B,
          locationId: LOCATION_B,
          scopes: ["contacts.readonly", "contacts.write"],
          readOnly: true,
          toolsets: ["contacts", "notes"],
        },
      ],
    }),
  );
  tenanted = await startServer({
    GHL_BASE_URL: sandbox.url,
    GHL_TENANTS_FILE: file,
    ACME_GHL_TOKEN: TOKEN_A,
  });
});

afterAll(async () => {
  await keyed?.close();
  await tenanted?.close();
  await sandbox?.close();
});

describe("HTTP transport with MCP_AUTH_TOKENS", () => {
  it("initializes, lists and calls through the SDK's Streamable HTTP client", async () => {
    const client = await connect(keyed.service, KEY_1);
    expect(client.getServerVersion()?.name).toBe("ghl-contacts-mcp");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(keyed.app.primary?.tools.listing.map((t) => t.name));
    expect(tools.some((t) => t.name === "create_contact")).toBe(true);
    const result = await call(client, "get_contact", { contactId: DEMO_CONTACT_ID });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { contact: { id: string } }).contact.id).toBe(DEMO_CONTACT_ID);
    await client.close();
  });

  it("accepts every configured key, each under its own non-secret key id", async () => {
    const client = await connect(keyed.service, KEY_2);
    await call(client, "get_contact", { contactId: DEMO_CONTACT_ID });
    await client.close();
    const callers = keyed.logs
      .lines()
      .filter((l) => l.msg === "tool call")
      .map((l) => l.caller);
    const id = (key: string) => `key-${sha256(key).toString("hex").slice(0, 8)}`;
    expect(callers).toContain(id(KEY_1));
    expect(callers).toContain(id(KEY_2));
  });

  it("answers 401 with a Bearer challenge without a key or with a wrong one", async () => {
    const none = await raw(keyed.service.url, { headers: MCP_HEADERS, body: INITIALIZE });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="ghl-contacts-mcp"');
    expect(none.json().error?.message).toMatch(/Authorization: Bearer/);

    const wrong = await raw(keyed.service.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${newKey()}` },
      body: INITIALIZE,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toMatch(
      /^Bearer realm="ghl-contacts-mcp", error="invalid_token"$/,
    );

    const basic = await raw(keyed.service.url, {
      headers: { ...MCP_HEADERS, authorization: `Basic ${KEY_1}` },
      body: INITIALIZE,
    });
    expect(basic.status).toBe(401);

    await expect(connect(keyed.service, `${KEY_1}x`)).rejects.toThrow(/Unauthorized/);
  });

  it("answers 403 to a foreign Host or Origin, and accepts the allowed ones", async () => {
    const auth = { ...MCP_HEADERS, authorization: `Bearer ${KEY_1}` };
    const evilHost = await raw(keyed.service.url, {
      headers: { ...auth, host: "evil.example.com" },
      body: INITIALIZE,
    });
    expect(evilHost.status).toBe(403);
    expect(evilHost.json().error?.message).toMatch(/Host/);

    const evilOrigin = await raw(keyed.service.url, {
      headers: { ...auth, origin: "https://evil.example.com" },
      body: INITIALIZE,
    });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.json().error?.message).toMatch(/Origin/);

    // The checks come before authentication: a page cannot even probe for a key.
    const evilNoKey = await raw(keyed.service.url, {
      headers: { ...MCP_HEADERS, origin: "http://localhost.evil.example" },
      body: INITIALIZE,
    });
    expect(evilNoKey.status).toBe(403);

    const listedHost = await raw(keyed.service.url, {
      headers: { ...auth, host: "mcp.example.com:443" },
      body: INITIALIZE,
    });
    expect(listedHost.status).toBe(200);

    const listedOrigin = await raw(keyed.service.url, {
      headers: { ...auth, origin: "https://app.example.com" },
      body: INITIALIZE,
    });
    expect(listedOrigin.status).toBe(200);
    expect(listedOrigin.headers["access-control-allow-origin"]).toBe("https://app.example.com");

    const localPage = await raw(keyed.service.url, {
      headers: { ...auth, origin: "http://localhost:5173" },
      body: INITIALIZE,
    });
    expect(localPage.status).toBe(200);

    const preflight = await raw(keyed.service.url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/authorization/);
  });

  it("answers 413 to a body over 1 MiB, declared or streamed", async () => {
    const auth = { ...MCP_HEADERS, authorization: `Bearer ${KEY_1}` };
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "ping",
      params: { pad: "x".repeat(MAX_BODY_BYTES) },
    });
    const declared = await raw(keyed.service.url, { headers: auth, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json().error?.message).toMatch(/too large/);

    const chunk = Buffer.alloc(256 * 1024, "x");
    const streamed = await raw(keyed.service.url, {
      headers: { ...auth, "transfer-encoding": "chunked" },
      body: [chunk, chunk, chunk, chunk, chunk],
    });
    expect(streamed.status).toBe(413);

    // Just under the limit is served.
    const fits = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(1000) } });
    expect((await raw(keyed.service.url, { headers: auth, body: fits })).status).toBe(200);
  });

  it("answers malformed JSON with a JSON-RPC parse error and HTTP 400", async () => {
    const res = await raw(keyed.service.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY_1}` },
      body: '{"jsonrpc": "2.0", "id": 1, "method": ',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 }, id: null });
  });

  it("answers GET and DELETE on /mcp with 405 and Allow: POST (stateless)", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await raw(keyed.service.url, {
        method,
        headers: { accept: "text/event-stream", authorization: `Bearer ${KEY_1}` },
      });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("POST");
    }
  });

  it("serves /healthz without a key and without secrets, and 404 elsewhere", async () => {
    const health = await raw(keyed.service.url, { method: "GET", path: "/healthz" });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      ghlConfigured: true,
      sandbox: false,
    });
    for (const secret of SECRETS) expect(health.body).not.toContain(secret);

    for (const path of ["/", "/mcp/", "/mcpx", "/.well-known/oauth-protected-resource", "/healthz/x"]) {
      const res = await raw(keyed.service.url, {
        method: "GET",
        path,
        headers: { authorization: `Bearer ${KEY_1}` },
      });
      expect(res.status, path).toBe(404);
    }
  });

  it("puts a request id on every log line of a request, and no key or token anywhere", async () => {
    const before = keyed.logs.lines().length;
    const client = await connect(keyed.service, KEY_1);
    await call(client, "get_contact", { contactId: DEMO_CONTACT_ID });
    await client.close();
    const lines = keyed.logs.lines().slice(before);
    expect(lines.some((l) => l.msg === "tool call")).toBe(true);
    expect(lines.some((l) => l.msg === "http request")).toBe(true);
    for (const line of lines) expect(line.httpRequestId, JSON.stringify(line)).toMatch(/^[0-9a-f-]{36}$/);
    const toolLine = lines.find((l) => l.msg === "tool call");
    const requestLine = lines.find(
      (l) => l.msg === "http request" && l.httpRequestId === toolLine?.httpRequestId,
    );
    expect(requestLine).toMatchObject({ method: "POST", path: "/mcp", status: 200 });
    for (const secret of SECRETS) expect(keyed.logs.text()).not.toContain(secret);
  });
});

describe("HTTP transport with a tenants file", () => {
  it("serves each tenant its own location", async () => {
    const acme = await connect(tenanted.service, KEY_ACME);
    const own = await call(acme, "get_contact", { contactId: CONTACT_A });
    expect(own.isError).toBeFalsy();
    expect((own.structuredContent as { contact: { locationId: string } }).contact.locationId).toBe(
      LOCATION_A,
    );
    await acme.close();
  });

  it("never lets tenant A read tenant B's contact", async () => {
    const acme = await connect(tenanted.service, KEY_ACME);
    sandbox.resetRequests();
    const other = await call(acme, "get_contact", { contactId: CONTACT_B });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toMatch(/Not found/);
    // The request went out with A's token, which GHL ties to A's location.
    expect(sandbox.requests.map((r) => r.locationId)).toEqual([LOCATION_A]);

    // Naming B's location is refused before any request.
    sandbox.resetRequests();
    const listed = await call(acme, "list_contacts", { locationId: LOCATION_B });
    expect(listed.isError).toBe(true);
    expect(textOf(listed)).toMatch(/locationId must be this connection's sub-account/);
    expect(sandbox.requests).toHaveLength(0);
    await acme.close();

    const bravo = await connect(tenanted.service, KEY_BRAVO);
    const own = await call(bravo, "get_contact", { contactId: CONTACT_B });
    expect((own.structuredContent as { contact: { locationId: string } }).contact.locationId).toBe(
      LOCATION_B,
    );
    expect((await call(bravo, "get_contact", { contactId: CONTACT_A })).isError).toBe(true);
    await bravo.close();
  });

  it("shows a read-only tenant no write tool and refuses a call to one", async () => {
    const bravo = await connect(tenanted.service, KEY_BRAVO);
    const { tools } = await bravo.listTools();
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(toolRegistry().get(tool.name)?.access, tool.name).toBe("read");
      expect(["contacts", "notes"]).toContain(toolRegistry().get(tool.name)?.toolset);
    }
    sandbox.resetRequests();
    for (const name of toolNames.filter((n) => toolRegistry().get(n)?.access === "write")) {
      const result = await call(bravo, name, { contactId: CONTACT_B, body: "x", name: "x" });
      expect(result.isError, name).toBe(true);
    }
    const refused = await call(bravo, "create_note", { contactId: CONTACT_B, body: "hello" });
    expect(textOf(refused)).toMatch(/tenant "bravo" allows read tools only/);
    expect(sandbox.requests).toHaveLength(0);
    await bravo.close();
  });

  it("lets X-MCP-Read-Only and X-MCP-Toolsets narrow a tenant's tools, never widen them", async () => {
    const writer = await connect(tenanted.service, KEY_ACME);
    const all = (await writer.listTools()).tools.map((t) => t.name);
    expect(all).toContain("create_note");
    await writer.close();

    const readOnly = await connect(tenanted.service, KEY_ACME, { "X-MCP-Read-Only": "true" });
    const readTools = (await readOnly.listTools()).tools.map((t) => t.name);
    expect(readTools.length).toBeGreaterThan(0);
    expect(readTools.every((n) => toolRegistry().get(n)?.access === "read")).toBe(true);
    const refused = await call(readOnly, "create_note", { contactId: CONTACT_A, body: "hi" });
    expect(textOf(refused)).toMatch(/X-MCP-Read-Only/);
    await readOnly.close();

    const notesOnly = await connect(tenanted.service, KEY_ACME, { "X-MCP-Toolsets": "notes" });
    const noteTools = (await notesOnly.listTools()).tools.map((t) => t.name);
    expect(noteTools).toContain("create_note");
    expect(noteTools.every((n) => toolRegistry().get(n)?.toolset === "notes")).toBe(true);
    expect((await call(notesOnly, "get_contact", { contactId: CONTACT_A })).isError).toBe(true);
    await notesOnly.close();

    // bravo is read-only with contacts and notes: headers asking for more get nothing more.
    const bravoBase = tenanted.app.tenants.get("bravo")?.tools.listing.map((t) => t.name) ?? [];
    const widen = await connect(tenanted.service, KEY_BRAVO, {
      "X-MCP-Read-Only": "false",
      "X-MCP-Toolsets": "contacts,tasks,notes,tags,appointments",
    });
    expect((await widen.listTools()).tools.map((t) => t.name)).toEqual(bravoBase);
    await widen.close();
  });

  it("answers a malformed narrowing header with 400", async () => {
    const malformed: Array<Record<string, string>> = [
      { "x-mcp-read-only": "maybe" },
      { "x-mcp-toolsets": "contacts,deals" },
    ];
    for (const headers of malformed) {
      const res = await raw(tenanted.service.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY_ACME}`, ...headers },
        body: INITIALIZE,
      });
      expect(res.status).toBe(400);
      expect(res.json().error?.message).toMatch(/X-MCP-/);
    }
  });

  it("knows no key but the tenants' (MCP_AUTH_TOKENS keys do not apply)", async () => {
    const res = await raw(tenanted.service.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY_1}` },
      body: INITIALIZE,
    });
    expect(res.status).toBe(401);
    const health = await raw(tenanted.service.url, { method: "GET", path: "/healthz" });
    expect(health.json()).toMatchObject({ ghlConfigured: true });
    for (const secret of SECRETS) expect(tenanted.logs.text()).not.toContain(secret);
  });
});

describe("shutdown", () => {
  it("finishes an in-flight call, refuses new work, and reports a cut-off after the grace period", async () => {
    const running = await startServer({
      GHL_TOKEN: DEMO_TOKEN_WRITE,
      GHL_BASE_URL: sandbox.url,
      GHL_LOCATION_ID: DEMO_LOCATION_ID,
      MCP_AUTH_TOKENS: KEY_1,
    });
    const client = await connect(running.service, KEY_1);
    sandbox.injectFault({ method: "GET", path: `/contacts/${DEMO_CONTACT_ID}`, delayMs: 1500 });
    const slow = call(client, "get_contact", { contactId: DEMO_CONTACT_ID });
    await waitFor(() => running.service.inFlight() > 0);
    const { drained } = await running.service.shutdown(100);
    expect(drained).toBe(false);
    await client.close();
    await expect(slow).rejects.toThrow();
    await running.app.close();
    sandbox.clearFaults();
  });
});

describe.skipIf(!built)("the built binary over HTTP", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("drains an in-flight call on SIGTERM and exits 0", async () => {
    child = spawn(process.execPath, [BIN, "--http", "--port", "0"], {
      env: {
        PATH: process.env.PATH ?? "",
        GHL_AUDIT_FILE: "off",
        MCP_AUTH_TOKENS: KEY_1,
        GHL_TOKEN: DEMO_TOKEN_WRITE,
        GHL_BASE_URL: sandbox.url,
        GHL_LOCATION_ID: DEMO_LOCATION_ID,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    await waitFor(() => /"url":"(http:[^"]+)"/.test(stderr), 15_000);
    const mcpUrl = /"url":"(http:[^"]+\/mcp)"/.exec(stderr)?.[1] as string;
    const service = { url: mcpUrl.replace(/\/mcp$/, "") } as HttpService;

    const client = await connect(service, KEY_1);
    sandbox.resetRequests();
    sandbox.injectFault({ method: "GET", path: `/contacts/${DEMO_CONTACT_ID}`, delayMs: 1500 });
    const slow = call(client, "get_contact", { contactId: DEMO_CONTACT_ID });
    await waitFor(() => sandbox.requests.some((r) => r.path === `/contacts/${DEMO_CONTACT_ID}`));
    child.kill("SIGTERM");

    // New work is turned away while the call in flight finishes.
    await new Promise((r) => setTimeout(r, 200));
    await expect(
      raw(service.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY_1}` }, body: INITIALIZE }),
    ).rejects.toThrow(/ECONNREFUSED/);

    const result = await slow;
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { contact: { id: string } }).contact.id).toBe(DEMO_CONTACT_ID);
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"msg":"shutting down"/);
    expect(stderr).toMatch(/"msg":"stopped"/);
    for (const secret of SECRETS) expect(stderr).not.toContain(secret);
  }, 30_000);

  it("refuses to start over HTTP without keys: exit 2 and one line", () => {
    const run = spawnSync(process.execPath, [BIN, "--http", "--sandbox"], {
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/--http needs keys: set MCP_AUTH_TOKENS/);
  });
});

describe("HTTP configuration", () => {
  const parse = (env: Record<string, string>, argv: string[] = ["--http"]) => {
    const { httpFlags } = parseCommandLine(argv, { GHL_TOKEN: "pit-0123456789abcdef", ...env }, toolNames);
    return parseHttpConfig(httpFlags, env);
  };
  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain("\n");
      return (error as Error).message;
    }
    throw new Error("expected a ConfigError");
  };

  it("has loopback defaults", () => {
    expect(parse({ MCP_AUTH_TOKENS: KEY_1 })).toEqual({
      host: "127.0.0.1",
      port: 3000,
      auth: { kind: "keys", keys: [KEY_1] },
      allowedHosts: ["localhost", "127.0.0.1", "[::1]"],
      allowedOrigins: [],
    });
    expect(parse({}, [])).toBeUndefined();
  });

  it("refuses to serve without keys, unless --no-auth on loopback", () => {
    expect(failure(() => parse({}))).toMatch(/--http needs keys/);
    expect(parse({}, ["--http", "--no-auth"])?.auth).toEqual({ kind: "none" });
    expect(parse({}, ["--http", "--no-auth", "--host", "::1"])?.auth).toEqual({ kind: "none" });
    expect(failure(() => parse({}, ["--http", "--no-auth", "--host", "0.0.0.0"]))).toMatch(/loopback/);
    expect(failure(() => parse({ MCP_AUTH_TOKENS: KEY_1 }, ["--http", "--no-auth"]))).toMatch(
      /cannot be combined/,
    );
  });

  it("refuses a short key without showing it", () => {
    const message = failure(() => parse({ MCP_AUTH_TOKENS: `${KEY_1},short-key-1234` }));
    expect(message).toMatch(/key 2 has 14 characters; each key needs at least 32/);
    expect(message).not.toContain("short-key-1234");
    expect(message).not.toContain(KEY_1);
  });

  it("refuses transport flags without --http, bad ports and bad allow-lists", () => {
    expect(failure(() => parse({}, ["--port", "3000"]))).toMatch(/--port only apply with --http/);
    expect(failure(() => parse({ MCP_AUTH_TOKENS: KEY_1 }, ["--http", "--port", "70000"]))).toMatch(
      /port number/,
    );
    expect(failure(() => parse({ MCP_AUTH_TOKENS: KEY_1, MCP_ALLOWED_ORIGINS: "app.example.com" }))).toMatch(
      /MCP_ALLOWED_ORIGINS entry "app.example.com"/,
    );
    expect(failure(() => parse({ MCP_AUTH_TOKENS: KEY_1, MCP_ALLOWED_HOSTS: "a/b" }))).toMatch(
      /MCP_ALLOWED_HOSTS/,
    );
  });

  it("needs no GHL_TOKEN with a tenants file", () => {
    const file = tenantsFile([tenant()]);
    const { httpFlags } = parseCommandLine(["--http"], { GHL_TENANTS_FILE: file }, toolNames);
    expect(parseHttpConfig(httpFlags, { GHL_TENANTS_FILE: file })?.auth).toMatchObject({
      kind: "tenants",
      tenants: [
        { name: "acme", token: TOKEN_A, locationId: LOCATION_A, readOnly: false, toolsets: undefined },
      ],
    });
    expect(failure(() => parse({ MCP_AUTH_TOKENS: KEY_1, GHL_TENANTS_FILE: file }))).toMatch(/not both/);
  });

  function tenant(fields: Record<string, unknown> = {}) {
    return {
      name: "acme",
      keySha256: sha256(KEY_ACME).toString("hex"),
      ghlToken: TOKEN_A,
      locationId: LOCATION_A,
      scopes: ["contacts.readonly"],
      ...fields,
    };
  }
  function tenantsFile(entries: unknown[] | string): string {
    const file = join(mkdtempSync(join(tmpdir(), "ghl-tenants-")), "tenants.json");
    writeFileSync(file, typeof entries === "string" ? entries : JSON.stringify({ tenants: entries }));
    return file;
  }

  const badFiles: Array<[string, unknown[] | string, RegExp]> = [
    ["not JSON", "{ tenants: [", /is not valid JSON/],
    ["no tenants", [], /tenants: must list at least one tenant/],
    ["a missing location", [tenant({ locationId: undefined })], /tenants\[0\] \("acme"\)\.locationId: /],
    [
      "a bad key hash",
      [tenant({ keySha256: "abc" })],
      /tenants\[0\] \("acme"\)\.keySha256: must be the hex SHA-256/,
    ],
    [
      "both token fields",
      [tenant({ ghlTokenEnv: "X_TOKEN" })],
      /\("acme"\)\.ghlToken: give exactly one of ghlToken and ghlTokenEnv/,
    ],
    [
      "an unset token variable",
      [tenant({ ghlToken: undefined, ghlTokenEnv: "NOPE_TOKEN" })],
      /NOPE_TOKEN, which is not set/,
    ],
    ["an unknown scope", [tenant({ scopes: ["contacts.read"] })], /\.scopes\[0\]: is not a GHL scope/],
    ["an unknown toolset", [tenant({ toolsets: ["deals"] })], /\.toolsets\[0\]: Invalid option/],
    [
      "a misspelt field",
      [tenant({ readonly: true })],
      /tenants\[0\] \("acme"\): Unrecognized key: "readonly"/,
    ],
    [
      "a reused key",
      [tenant(), tenant({ name: "acme-2" })],
      /tenants\[1\] \("acme-2"\)\.keySha256 is also the key of tenants\[0\]/,
    ],
    [
      "a reused name",
      [tenant(), tenant({ keySha256: "f".repeat(64) })],
      /tenants\[1\] \("acme"\)\.name is also/,
    ],
  ];
  it.each(badFiles)(
    "stops on a tenants file with %s, naming the entry and field",
    (_what, entries, message) => {
      const text = failure(() => parse({ GHL_TENANTS_FILE: tenantsFile(entries) }));
      expect(text).toMatch(/^GHL_TENANTS_FILE /);
      expect(text).toMatch(message);
      expect(text).not.toContain(TOKEN_A);
    },
  );
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
