/**
 * No secret ever leaves the server: the logger's redaction in isolation, then the built binary
 * run with a known token through every tool (and upstream errors that echo the token back),
 * checking stdout, stderr, every tool result and the audit files. Stdout must carry only
 * JSON-RPC.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, prettyLine } from "../src/log.js";
import {
  DEMO_BUSINESS_ID,
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/index.js";

const TOKEN = "pit-known-secret-7d1f0c2e-5a4b-4c3d-9e8f-0a1b2c3d4e5f";

function capture(format: "json" | "pretty" = "json", secrets: string[] = [TOKEN]) {
  const lines: string[] = [];
  const log = createLogger("trace", secrets, { format, destination: { write: (line) => lines.push(line) } });
  return { log, output: () => lines.join("") };
}

describe("log redaction", () => {
  it("hides credentials under secret-looking keys at any depth", () => {
    const { log, output } = capture("json", []);
    log.info(
      {
        headers: { authorization: "Bearer abcdefghijklmnop", Accept: "application/json" },
        request: { options: { headers: { Authorization: "Basic qrstuvwxyz123456" } } },
        accessToken: "at-123456789",
        client_secret: "cs-123456789",
        "x-api-key": "key-123456789",
        config: { token: "tok-123456789", apiKey: "ak-123456789", password: "pw-123456789" },
        list: [{ refresh_token: "rt-123456789" }],
        keyId: "visible-key-id",
      },
      "request",
    );
    const out = output();
    for (const secret of ["abcdefghijklmnop", "qrstuvwxyz123456", "123456789"])
      expect(out).not.toContain(secret);
    expect(out).toContain('"keyId":"visible-key-id"');
    expect(out).toContain('"Accept":"application/json"');
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(9);
  });

  it("scrubs a configured secret from messages, values, child bindings and errors", () => {
    const { log, output } = capture();
    const child = log.child({ upstream: `GHL said ${TOKEN}` });
    child.warn({ note: { text: `copied ${TOKEN} here` } }, `message with ${TOKEN}`);
    child.error({ err: new Error(`failed with ${TOKEN}`) }, "boom");
    log.info(`Bearer ${TOKEN.slice(0, 20)}abcdef is not configured but looks like a credential`);
    const out = output();
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(TOKEN.slice(0, 20));
    expect(out).toContain("[redacted]");
  });

  it("scrubs a secret that JSON escapes", () => {
    const odd = 'tok"en\\with-quotes-123';
    const { log, output } = capture("json", [odd]);
    log.info({ value: `x ${odd} y` }, "odd");
    expect(output()).not.toContain(JSON.stringify(odd).slice(1, -1));
    expect(output()).toContain("[redacted]");
  });

  it("prints short human lines in pretty format, with the same redaction", () => {
    const { log, output } = capture("pretty");
    log.info({ tool: "create_note", ms: 12, token: TOKEN }, "tool call");
    log.error({ err: new Error(`bad ${TOKEN}`) }, "failed");
    const out = output();
    expect(out).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}tool call tool=create_note ms=12 token=\[redacted\]\n/,
    );
    expect(out).toMatch(/ERROR failed\n {4}Error: bad \[redacted\]/);
    expect(out).not.toContain(TOKEN);
    expect(prettyLine("not json")).toBe("not json");
  });
});

/** A stdio client transport that keeps every raw stdout line, to prove nothing else is there. */
class RecordingStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  readonly stdoutLines: string[] = [];
  stderr = "";
  private child?: ChildProcessWithoutNullStreams;
  private partial = "";

  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, this.args, { env: this.env });
    this.child = child;
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      this.partial += chunk.toString();
      const lines = this.partial.split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) {
        this.stdoutLines.push(line);
        try {
          this.onmessage?.(JSON.parse(line) as JSONRPCMessage);
        } catch (error) {
          this.onerror?.(error as Error);
        }
      }
    });
    child.on("exit", () => this.onclose?.());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child?.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
  }
}

const BIN = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
const built = existsSync(BIN);
if (!built) console.warn(`secrets process test skipped: ${BIN} is missing; run \`npm run build\`.`);

describe.skipIf(!built)("the built server with a known token", () => {
  let sandbox: Sandbox;
  let transport: RecordingStdioTransport;
  let client: Client;
  let auditDir: string;
  const results: CallToolResult[] = [];
  const called = new Set<string>();
  let listed: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      tokens: [
        { token: TOKEN, locationId: DEMO_LOCATION_ID, scopes: ["contacts.readonly", "contacts.write"] },
      ],
    });
    auditDir = mkdtempSync(join(tmpdir(), "ghl-secrets-"));
    transport = new RecordingStdioTransport([BIN], {
      PATH: process.env.PATH ?? "",
      GHL_TOKEN: TOKEN,
      GHL_BASE_URL: sandbox.url,
      GHL_LOCATION_ID: DEMO_LOCATION_ID,
      GHL_SCOPES: "contacts.readonly contacts.write",
      GHL_AUDIT_FILE: join(auditDir, "audit.jsonl"),
      GHL_AUDIT_MAX_BYTES: "4096", // rotated files are checked too
      LOG_LEVEL: "trace",
      LOG_FORMAT: "json",
    });
    client = new Client({ name: "secrets-test", version: "1.0.0" });
    await client.connect(transport);
    await client.setLoggingLevel("debug");
    listed = (await client.listTools()).tools.map((t) => t.name);

    const call = async (name: string, args: Record<string, unknown>) => {
      called.add(name);
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      results.push(result);
      return result;
    };
    const ok = async <T>(name: string, args: Record<string, unknown>) => {
      const result = await call(name, args);
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent as T;
    };
    const contactId = DEMO_CONTACT_ID;
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString();

    await ok("get_contact", { contactId });
    await ok("search_contacts", { query: "maya" });
    await ok("list_contacts", { limit: 3 });
    await ok("list_business_contacts", { businessId: DEMO_BUSINESS_ID });
    await ok("get_contact_overview", { contactId });
    const { contact } = await ok<{ contact: { id: string } }>("create_contact", {
      firstName: "Secret",
      email: "secret.test@example.com",
    });
    await ok("update_contact", { contactId: contact.id, lastName: "Keeper" });
    await ok("sync_contact", {
      contactId,
      fields: { city: "Tokentown" },
      tags: { add: ["secret-sync"] },
      tasks: [{ title: "Secret task", dueDate: due }],
      notes: [{ body: "Secret note" }],
    });
    const { task } = await ok<{ task: { id: string } }>("create_task", {
      contactId,
      title: "T",
      dueDate: due,
    });
    await ok("list_tasks", { contactId });
    await ok("get_task", { contactId, taskId: task.id });
    await ok("update_task", { contactId, taskId: task.id, title: "T2" });
    await ok("complete_task", { contactId, taskId: task.id });
    await ok("schedule_reminder", { contactId, title: "Reminder", dueDate: "P1D" });
    await ok("delete_task", { contactId, taskId: task.id });
    const { note } = await ok<{ note: { id: string } }>("create_note", { contactId, body: "N" });
    await ok("list_notes", { contactId });
    await ok("get_note", { contactId, noteId: note.id });
    await ok("update_note", { contactId, noteId: note.id, body: "N2" });
    await ok("delete_note", { contactId, noteId: note.id });
    await ok("list_appointments", { contactId });
    await ok("set_contact_tags", { contactId, add: ["s1"], remove: ["secret-sync"] });
    await ok("add_tags", { contactId, tags: ["s2"] });
    await ok("remove_tags", { contactId, tags: ["s2"] });
    await ok("delete_contact", { contactId: contact.id });

    // Upstream answers that echo the token back must not carry it any further.
    await call("get_contact", { contactId: "zzzzzzzzzzzzzzzzzzzz" });
    sandbox.injectFault({
      method: "POST",
      path: `/contacts/${contactId}/notes`,
      status: 401,
      body: { statusCode: 401, message: `Invalid token: ${TOKEN}` },
    });
    await call("create_note", { contactId, body: "echo" });
    sandbox.injectFault({
      method: "PUT",
      path: `/contacts/${contactId}`,
      status: 422,
      body: { statusCode: 422, message: [`phone invalid for Bearer ${TOKEN}`] },
    });
    await call("update_contact", { contactId, lastName: "Echo" });
    sandbox.injectFault({
      method: "GET",
      path: `/contacts/${contactId}/tasks`,
      status: 400,
      body: `<h1>${TOKEN}</h1>`,
    });
    await call("list_tasks", { contactId });
    await ok("read_audit_log", { limit: 500 });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  });

  it("ran every listed tool with the token accepted by GHL", () => {
    expect(listed.filter((name) => !called.has(name))).toEqual([]);
    expect(sandbox.requests.filter((r) => r.status >= 200 && r.status < 300).length).toBeGreaterThan(30);
  });

  it("never shows the token in tool results", () => {
    for (const result of results) expect(JSON.stringify(result)).not.toContain(TOKEN);
    const errors = results.filter((r) => r.isError).map((r) => JSON.stringify(r.content));
    expect(errors.length).toBe(4);
  });

  it("never writes the token to stdout, and stdout is only JSON-RPC", () => {
    expect(transport.stdoutLines.length).toBeGreaterThan(30);
    for (const line of transport.stdoutLines) {
      expect(line).not.toContain(TOKEN);
      expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    }
  });

  it("never logs the token to stderr, even at trace level", () => {
    expect(transport.stderr).toContain('"msg":"tool call"');
    expect(transport.stderr).toContain('"msg":"GHL request"');
    expect(transport.stderr).not.toContain(TOKEN);
  });

  it("never records the token in the audit files", () => {
    const files = readdirSync(auditDir);
    expect(files.length).toBeGreaterThan(1); // rotated at least once
    const all = files.map((f) => readFileSync(join(auditDir, f), "utf8")).join("");
    expect(all).toContain('"tool":"update_contact"');
    expect(all).toContain("[redacted]"); // the echoed 401 and 422 messages
    expect(all).not.toContain(TOKEN);
  });
});
