/**
 * The audit trail: one durable record per write request, from every write tool and composite,
 * through the real server and client against the sandbox; the file's own rules (0600, rotation,
 * no interleaving); read_audit_log; MCP log notifications; and records surviving `kill -9`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { FileAuditLog, openAuditLog } from "../src/audit/audit-log.js";
import type { AuditRecord } from "../src/audit/record.js";
import { defaultAuditFile } from "../src/audit/settings.js";
import { auditTrail } from "../src/audit/trail.js";
import { ConfigError, parseCommandLine } from "../src/config.js";
import { DryRunWriteError, GhlClient } from "../src/ghl/client.js";
import { GhlHttp } from "../src/ghl/http.js";
import { ClientLogging, createLogger } from "../src/log.js";
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_WRITE,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/index.js";
import { data, type Harness, startHarness, text } from "./harness.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ghl-audit-test-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function fileRecords(file: string): AuditRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("audit records of write tools", () => {
  let h: Harness;
  let file: string;
  beforeAll(async () => {
    h = await startHarness();
    file = h.auditFile as string;
  });
  afterAll(() => h.close());

  /** Runs one tool call and returns the records it appended. */
  async function recordsOf(
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ result: CallToolResult; records: AuditRecord[] }> {
    const before = fileRecords(file).length;
    const result = await h.call(name, args);
    return { result, records: fileRecords(file).slice(before) };
  }

  it("audits into the harness's temp file, created with mode 0600", async () => {
    expect(file.startsWith(tmpdir())).toBe(true);
    await recordsOf("create_note", { contactId: DEMO_CONTACT_ID, body: "mode check" });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("reads record nothing", async () => {
    const before = fileRecords(file).length;
    await h.call("get_contact", { contactId: DEMO_CONTACT_ID });
    await h.call("search_contacts", { query: "maya" });
    await h.call("list_contacts", { limit: 5 });
    await h.call("list_tasks", { contactId: DEMO_CONTACT_ID });
    await h.call("list_notes", { contactId: DEMO_CONTACT_ID });
    await h.call("list_appointments", { contactId: DEMO_CONTACT_ID });
    await h.call("get_contact_overview", { contactId: DEMO_CONTACT_ID });
    expect(fileRecords(file).length).toBe(before);
  });

  it("create_contact, update_contact and delete_contact record one write each", async () => {
    const created = await recordsOf("create_contact", {
      firstName: "Audit",
      email: "audit.trail@example.com",
    });
    const { contact } = data<{ contact: { id: string } }>(created.result);
    expect(created.records).toHaveLength(1);
    const [c] = created.records as [AuditRecord];
    expect(c).toMatchObject({
      v: 1,
      tool: "create_contact",
      caller: "stdio",
      method: "POST",
      path: "/contacts/",
      ids: { contactId: contact.id },
      outcome: { ok: true, status: 201 },
      sent: { firstName: "Audit", email: "audit.trail@example.com", locationId: DEMO_LOCATION_ID },
    });
    expect(c.requestId).toMatch(UUID);
    expect(Date.parse(c.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(c.changes).toBeUndefined();

    const updated = await recordsOf("update_contact", {
      contactId: contact.id,
      lastName: "Trail",
      dnd: true,
    });
    expect(updated.records).toHaveLength(1);
    expect(updated.records[0]).toMatchObject({
      tool: "update_contact",
      method: "PUT",
      path: `/contacts/${contact.id}`,
      ids: { contactId: contact.id },
      outcome: { ok: true, status: 200 },
      changes: { lastName: { after: "Trail" }, dnd: { after: true } },
    });
    // No composite read the contact first, so there is no "before" to record.
    expect(updated.records[0]?.changes?.lastName).not.toHaveProperty("before");
    expect(updated.records[0]?.requestId).not.toBe(c.requestId);

    const deleted = await recordsOf("delete_contact", { contactId: contact.id });
    expect(deleted.records).toHaveLength(1);
    expect(deleted.records[0]).toMatchObject({
      tool: "delete_contact",
      method: "DELETE",
      ids: { contactId: contact.id },
      outcome: { ok: true, status: 200 },
    });
    expect(deleted.records[0]).not.toHaveProperty("sent");
  });

  it("task tools record the task id", async () => {
    const created = await recordsOf("create_task", {
      contactId: DEMO_CONTACT_ID,
      title: "Audit task",
      dueDate: future(3),
    });
    const { task } = data<{ task: { id: string } }>(created.result);
    const ids = { contactId: DEMO_CONTACT_ID, taskId: task.id };
    expect(created.records).toEqual([
      expect.objectContaining({
        tool: "create_task",
        method: "POST",
        ids,
        sent: expect.objectContaining({ title: "Audit task" }),
      }),
    ]);
    const updated = await recordsOf("update_task", { ...ids, title: "Audit task, renamed" });
    expect(updated.records).toEqual([
      expect.objectContaining({
        tool: "update_task",
        method: "PUT",
        path: `/contacts/${DEMO_CONTACT_ID}/tasks/${task.id}`,
        ids,
        changes: { title: { after: "Audit task, renamed" } },
      }),
    ]);
    const completed = await recordsOf("complete_task", ids);
    expect(completed.records).toEqual([
      expect.objectContaining({
        tool: "complete_task",
        path: `/contacts/${DEMO_CONTACT_ID}/tasks/${task.id}/completed`,
        ids,
        changes: { completed: { after: true } },
      }),
    ]);
    const deleted = await recordsOf("delete_task", ids);
    expect(deleted.records).toEqual([
      expect.objectContaining({
        tool: "delete_task",
        method: "DELETE",
        ids,
        outcome: { ok: true, status: 200 },
      }),
    ]);
  });

  it("note tools record the note id", async () => {
    const created = await recordsOf("create_note", { contactId: DEMO_CONTACT_ID, body: "Audit note" });
    const { note } = data<{ note: { id: string } }>(created.result);
    const ids = { contactId: DEMO_CONTACT_ID, noteId: note.id };
    expect(created.records).toEqual([
      expect.objectContaining({ tool: "create_note", ids, sent: { body: "Audit note" } }),
    ]);
    const updated = await recordsOf("update_note", { ...ids, body: "Audit note, edited" });
    expect(updated.records).toEqual([
      expect.objectContaining({
        tool: "update_note",
        ids,
        changes: { body: { after: "Audit note, edited" } },
      }),
    ]);
    const deleted = await recordsOf("delete_note", ids);
    expect(deleted.records).toEqual([
      expect.objectContaining({ tool: "delete_note", method: "DELETE", ids }),
    ]);
  });

  it("tag tools record the tags sent", async () => {
    const added = await recordsOf("add_tags", { contactId: DEMO_CONTACT_ID, tags: ["audited"] });
    expect(added.records).toEqual([
      expect.objectContaining({
        tool: "add_tags",
        method: "POST",
        path: `/contacts/${DEMO_CONTACT_ID}/tags`,
        ids: { contactId: DEMO_CONTACT_ID },
        sent: { tags: ["audited"] },
      }),
    ]);
    const removed = await recordsOf("remove_tags", { contactId: DEMO_CONTACT_ID, tags: ["audited"] });
    expect(removed.records).toEqual([
      expect.objectContaining({ tool: "remove_tags", method: "DELETE", sent: { tags: ["audited"] } }),
    ]);
  });

  it("a composite records each of its writes under one request id; its dry run records nothing", async () => {
    const args = {
      contactId: DEMO_CONTACT_ID,
      fields: { city: "Audit City" },
      tags: { add: ["audit-sync"] },
      tasks: [{ title: "Audit sync task", dueDate: future(5) }],
      notes: [{ body: "Audit sync note" }],
    };
    const dry = await recordsOf("sync_contact", { ...args, dryRun: true });
    expect(dry.result.isError).toBeFalsy();
    expect(dry.records).toEqual([]);

    const real = await recordsOf("sync_contact", args);
    const out = data<{ requests: { writes: number } }>(real.result);
    expect(out.requests.writes).toBe(4);
    expect(real.records).toHaveLength(4);
    expect(new Set(real.records.map((r) => r.requestId)).size).toBe(1);
    expect(real.records.every((r) => r.tool === "sync_contact" && r.outcome.ok)).toBe(true);
    expect(real.records.map((r) => `${r.method} ${r.path.replace(DEMO_CONTACT_ID, ":id")}`)).toEqual([
      "PUT /contacts/:id",
      "POST /contacts/:id/tags",
      "POST /contacts/:id/tasks",
      "POST /contacts/:id/notes",
    ]);

    // Already in sync: no writes, no records.
    expect((await recordsOf("sync_contact", args)).records).toEqual([]);

    const tags = await recordsOf("set_contact_tags", { contactId: DEMO_CONTACT_ID, remove: ["audit-sync"] });
    expect(tags.records).toEqual([expect.objectContaining({ tool: "set_contact_tags", method: "DELETE" })]);
    const reminder = await recordsOf("schedule_reminder", {
      contactId: DEMO_CONTACT_ID,
      title: "Audit reminder",
      dueDate: "P2D",
    });
    expect(reminder.records).toEqual([
      expect.objectContaining({ tool: "schedule_reminder", method: "POST" }),
    ]);
  });

  it("a failed write is recorded with GHL's status and message", async () => {
    const missing = await recordsOf("update_task", {
      contactId: DEMO_CONTACT_ID,
      taskId: "zzzzzzzzzzzzzzzzzzzz",
      title: "nope",
    });
    expect(missing.result.isError).toBe(true);
    expect(missing.records).toEqual([
      expect.objectContaining({
        tool: "update_task",
        ids: { contactId: DEMO_CONTACT_ID, taskId: "zzzzzzzzzzzzzzzzzzzz" },
        outcome: expect.objectContaining({ ok: false, status: 404 }),
      }),
    ]);

    h.sandbox.injectFault({
      method: "POST",
      path: `/contacts/${DEMO_CONTACT_ID}/notes`,
      status: 422,
      body: { statusCode: 422, message: ["body must be shorter"], error: "Unprocessable Entity" },
    });
    const refused = await recordsOf("create_note", { contactId: DEMO_CONTACT_ID, body: "refused" });
    expect(refused.result.isError).toBe(true);
    expect(refused.records).toEqual([
      expect.objectContaining({
        tool: "create_note",
        outcome: { ok: false, status: 422, error: "GHL answered 422: body must be shorter" },
      }),
    ]);
  });

  it("arguments refused before any request record nothing", async () => {
    const bad = await recordsOf("create_note", { contactId: "../etc", body: "x" });
    expect(bad.result.isError).toBe(true);
    expect(bad.records).toEqual([]);
  });
});

describe("read_audit_log", () => {
  let h: Harness;
  beforeAll(async () => {
    // Small files, so these few records already span several rotations.
    h = await startHarness({ env: { GHL_AUDIT_MAX_BYTES: "1024", GHL_AUDIT_KEEP: "50" } });
  });
  afterAll(() => h.close());

  type Listed = { auditing: boolean; records: AuditRecord[] };

  it("returns records newest first across rotated files, in order", async () => {
    const noteIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { note } = data<{ note: { id: string } }>(
        await h.call("create_note", {
          contactId: DEMO_CONTACT_ID,
          body: `rotation note ${i} ${"x".repeat(150)}`,
        }),
      );
      noteIds.push(note.id);
    }
    expect(existsSync(`${h.auditFile}.3`)).toBe(true);
    const listed = data<Listed>(await h.call("read_audit_log", { tool: "create_note", limit: 100 }));
    expect(listed.auditing).toBe(true);
    expect(listed.records.map((r) => r.ids.noteId)).toEqual([...noteIds].reverse());
  });

  it("filters by contact, tool and time, and limits", async () => {
    const { contact } = data<{ contact: { id: string } }>(
      await h.call("create_contact", { firstName: "Filter", email: "filter.audit@example.com" }),
    );
    const afterCreate = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h.call("add_tags", { contactId: contact.id, tags: ["one"] });
    await h.call("add_tags", { contactId: contact.id, tags: ["two"] });

    const byContact = data<Listed>(await h.call("read_audit_log", { contactId: contact.id }));
    expect(byContact.records.map((r) => r.tool)).toEqual(["add_tags", "add_tags", "create_contact"]);
    expect(byContact.records[0]?.sent).toEqual({ tags: ["two"] });

    const since = data<Listed>(await h.call("read_audit_log", { contactId: contact.id, since: afterCreate }));
    expect(since.records.map((r) => r.tool)).toEqual(["add_tags", "add_tags"]);
    const until = data<Listed>(await h.call("read_audit_log", { contactId: contact.id, until: afterCreate }));
    expect(until.records.map((r) => r.tool)).toEqual(["create_contact"]);

    const limited = data<Listed>(await h.call("read_audit_log", { limit: 2 }));
    expect(limited.records.map((r) => r.sent)).toEqual([{ tags: ["two"] }, { tags: ["one"] }]);

    const byTool = data<Listed>(await h.call("read_audit_log", { tool: "create_contact" }));
    expect(byTool.records.map((r) => r.ids.contactId)).toEqual([contact.id]);
  });

  it("defaults to the 50 newest and shortens long texts in its answer only", async () => {
    for (let i = 0; i < 55; i++)
      await h.call("add_tags", { contactId: DEMO_CONTACT_ID, tags: [`bulk-${i}`] });
    const listed = data<Listed>(await h.call("read_audit_log", {}));
    expect(listed.records).toHaveLength(50);
    expect(listed.records[0]?.sent).toEqual({ tags: ["bulk-54"] });

    await h.call("create_note", { contactId: DEMO_CONTACT_ID, body: "y".repeat(2000) });
    const [latest] = data<Listed>(await h.call("read_audit_log", { limit: 1 })).records;
    expect(String(latest?.sent?.body)).toMatch(/^y{500}… \(1500 more characters\)$/);
    const inFile = fileRecords(h.auditFile as string).at(-1);
    expect(inFile?.sent?.body).toBe("y".repeat(2000));
  });

  it("refuses since after until", async () => {
    const result = await h.call("read_audit_log", {
      since: "2030-01-02T00:00:00Z",
      until: "2030-01-01T00:00:00Z",
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/since.*until/);
  });

  it("says so when auditing is off, and the write still works", async () => {
    const off = await startHarness({ reuse: h.sandbox, env: { GHL_AUDIT_FILE: "off" } });
    try {
      expect(off.auditFile).toBeUndefined();
      const notices: string[] = [];
      off.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        notices.push(String(n.params.data));
      });
      data(await off.call("create_note", { contactId: DEMO_CONTACT_ID, body: "unaudited" }));
      data(await off.call("create_note", { contactId: DEMO_CONTACT_ID, body: "unaudited again" }));
      const listed = data<Listed & { message: string }>(await off.call("read_audit_log", {}));
      expect(listed).toMatchObject({ auditing: false, records: [] });
      expect(listed.message).toMatch(/audit log is off/);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(notices.filter((n) => /audit log is off/.test(n))).toHaveLength(1);
    } finally {
      await off.close();
    }
  });
});

describe("the audit file", () => {
  const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
    v: 1,
    time: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
    requestId: `req-${i}`,
    tool: i % 2 ? "create_note" : "add_tags",
    caller: "stdio",
    method: "POST",
    path: `/contacts/c${i % 3}/notes`,
    ids: { contactId: `c${i % 3}` },
    outcome: { ok: true, status: 201 },
    ms: 1,
    ...extra,
  });

  it("creates its directory and a 0600 file; keeps an existing file private", async () => {
    const dir = tempDir();
    const file = join(dir, "nested", "state", "audit.jsonl");
    const log = await FileAuditLog.open(file, { maxBytes: 1 << 20, keep: 2 });
    await log.append(record(1));
    await log.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(fileRecords(file)).toEqual([record(1)]);

    const loose = join(dir, "loose.jsonl");
    writeFileSync(loose, "", { mode: 0o644 });
    const again = await FileAuditLog.open(loose, { maxBytes: 1 << 20, keep: 2 });
    await again.close();
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });

  it("never interleaves lines from parallel appends, and loses none", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const log = await FileAuditLog.open(file, { maxBytes: 1 << 30, keep: 1 });
    const big = "z".repeat(20_000); // bigger than a pipe buffer: a torn write would show
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => log.append(record(i, { sent: { body: `${i}${big}` } }))),
    );
    await log.close();
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(300);
    const seen = lines.map((line) => (JSON.parse(line) as AuditRecord).requestId);
    expect(new Set(seen).size).toBe(300);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `req-${i}`)); // in call order
  });

  it("rotates by size, keeps N files, and reads newest first across them", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const log = await FileAuditLog.open(file, { maxBytes: 1000, keep: 3 });
    for (let i = 0; i < 40; i++) await log.append(record(i));
    expect(existsSync(`${file}.3`)).toBe(true);
    expect(existsSync(`${file}.4`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`, `${file}.3`]) {
      expect(statSync(f).size).toBeLessThanOrEqual(1000);
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    const all = await log.query({ limit: 1000 });
    const numbers = all.map((r) => Number(r.requestId.slice(4)));
    // Newest first, no gaps: the oldest records went with the dropped file, nothing else did.
    expect(numbers[0]).toBe(39);
    expect(numbers).toEqual(numbers.map((_, i) => 39 - i));
    expect(numbers.length).toBeGreaterThan(15);
    expect(numbers.length).toBeLessThan(40);

    const filtered = await log.query({ contactId: "c1", tool: "create_note", limit: 3 });
    expect(filtered.every((r) => r.ids.contactId === "c1" && r.tool === "create_note")).toBe(true);
    expect(filtered.map((r) => r.requestId)).toEqual(["req-37", "req-31", "req-25"]);
    const window = await log.query({
      since: new Date(Date.UTC(2030, 0, 1, 0, 0, 35)),
      until: new Date(Date.UTC(2030, 0, 1, 0, 0, 36)),
      limit: 10,
    });
    expect(window.map((r) => r.requestId)).toEqual(["req-36", "req-35"]);
    await log.close();
  });

  it("skips a torn last line instead of failing the read", async () => {
    const file = join(tempDir(), "audit.jsonl");
    writeFileSync(file, `${JSON.stringify(record(1))}\n{"v":1,"time":"20`, { mode: 0o600 });
    const log = await FileAuditLog.open(file, { maxBytes: 1 << 20, keep: 1 });
    expect((await log.query({ limit: 10 })).map((r) => r.requestId)).toEqual(["req-1"]);
    await log.close();
  });

  it("scrubs configured secrets from every line", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const secret = "pit-very-secret-token-0123456789";
    const log = await FileAuditLog.open(file, { maxBytes: 1 << 20, keep: 1, secrets: [secret] });
    await log.append(record(1, { sent: { body: `pasted ${secret} by mistake` } }));
    await log.close();
    expect(readFileSync(file, "utf8")).not.toContain(secret);
    expect(fileRecords(file)[0]?.sent?.body).toBe("pasted [redacted] by mistake");
  });

  it("stops the server at start when the file cannot be opened", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "not-a-dir"), "");
    await expect(
      openAuditLog(
        { file: join(dir, "not-a-dir", "audit.jsonl"), maxBytes: 1024, keep: 1 },
        createLogger("silent"),
        [],
      ),
    ).rejects.toThrow(ConfigError);
  });
});

describe("the client API for composites", () => {
  let sandbox: Sandbox;
  let http: GhlHttp;
  let audit: FileAuditLog;
  let file: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    http = new GhlHttp({ baseUrl: sandbox.url, token: DEMO_TOKEN_WRITE, apiVersion: "2021-07-28" });
    file = join(tempDir(), "audit.jsonl");
    audit = await FileAuditLog.open(file, { maxBytes: 1 << 20, keep: 1 });
  });
  afterAll(async () => {
    await audit.close();
    await http.close();
    await sandbox.close();
  });
  afterEach(() => sandbox.resetRequests());

  function client(): GhlClient {
    const log = createLogger("silent");
    const clientLog = new ClientLogging().forRequest(undefined, async () => {}, [], log);
    return new GhlClient(http, {
      onWrite: auditTrail({
        tool: "composite_x",
        requestId: "req-api",
        caller: "stdio",
        audit,
        log,
        clientLog,
      }),
    });
  }

  it("withBefore records each sent field's value before and after; counts stay shared", async () => {
    const ghl = client();
    const { contact } = await ghl.getContact(DEMO_CONTACT_ID);
    const before = fileRecords(file).length;
    await ghl.withBefore(contact).updateContact(DEMO_CONTACT_ID, { firstName: "Maia", city: "Lisbon" });
    const [update] = fileRecords(file).slice(before);
    expect(update).toMatchObject({
      tool: "composite_x",
      requestId: "req-api",
      method: "PUT",
      changes: {
        firstName: { before: contact.firstName, after: "Maia" },
        city: { before: contact.city ?? null, after: "Lisbon" },
      },
    });
    await ghl.withBefore({ tags: contact.tags }).addTags(DEMO_CONTACT_ID, ["vip-audit"]);
    const tagRecord = fileRecords(file).at(-1);
    expect(tagRecord).toMatchObject({ sent: { tags: ["vip-audit"] }, before: { tags: contact.tags } });
    expect(ghl.counts).toEqual({ reads: 1, writes: 2 });
  });

  it("withoutWrites (dry runs) reads, but refuses writes before sending or recording them", async () => {
    const ghl = client();
    const dry = ghl.withoutWrites();
    const before = fileRecords(file).length;
    await dry.listNotes(DEMO_CONTACT_ID);
    await expect(dry.createNote(DEMO_CONTACT_ID, { body: "never" })).rejects.toThrow(DryRunWriteError);
    await expect(dry.withBefore({}).deleteContact(DEMO_CONTACT_ID)).rejects.toThrow(DryRunWriteError);
    expect(sandbox.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(fileRecords(file).length).toBe(before);
    expect(ghl.counts).toEqual({ reads: 1, writes: 0 });
  });
});

describe("MCP log notifications", () => {
  let h: Harness;
  const received: Array<{ level: string; data: unknown }> = [];
  beforeAll(async () => {
    h = await startHarness();
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.push({ level: n.params.level, data: n.params.data });
    });
  });
  afterAll(() => h.close());

  const failWrite = () =>
    h.call("delete_note", { contactId: DEMO_CONTACT_ID, noteId: "zzzzzzzzzzzzzzzzzzzz" });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it("tells the client about a failed write", async () => {
    received.length = 0;
    await failWrite();
    await settle();
    expect(received).toEqual([
      {
        level: "warning",
        data: expect.stringMatching(/^delete_note: DELETE \/contacts\/.+ failed: GHL answered 404/),
      },
    ]);
  });

  it("honours logging/setLevel", async () => {
    await h.client.setLoggingLevel("error");
    received.length = 0;
    await failWrite();
    await settle();
    expect(received).toEqual([]);

    await h.client.setLoggingLevel("warning");
    await failWrite();
    await settle();
    expect(received).toHaveLength(1);
  });
});

describe("audit configuration", () => {
  const names = toolRegistry().all.map((t) => t.name);
  const parse = (env: Record<string, string>, argv: string[] = []) =>
    parseCommandLine(argv, { GHL_TOKEN: "pit-test-000000000000", ...env }, names).config;

  it("defaults to the XDG state directory, else ~/.local/state", () => {
    expect(defaultAuditFile({ XDG_STATE_HOME: "/x/state", HOME: "/home/u" })).toBe(
      "/x/state/ghl-contacts-mcp/audit.jsonl",
    );
    expect(defaultAuditFile({ XDG_STATE_HOME: "relative/ignored", HOME: "/home/u" })).toBe(
      "/home/u/.local/state/ghl-contacts-mcp/audit.jsonl",
    );
    expect(parse({ HOME: "/home/u" }).audit).toEqual({
      file: "/home/u/.local/state/ghl-contacts-mcp/audit.jsonl",
      maxBytes: 10 * 1024 * 1024,
      keep: 5,
    });
  });

  it("takes GHL_AUDIT_FILE, off, sizes and counts; --sandbox is off unless a file is named", () => {
    expect(parse({ GHL_AUDIT_FILE: "/tmp/a/audit.jsonl" }).audit.file).toBe("/tmp/a/audit.jsonl");
    expect(parse({ GHL_AUDIT_FILE: "OFF" }).audit.file).toBeUndefined();
    expect(parse({}, ["--sandbox"]).audit.file).toBeUndefined();
    expect(parse({ GHL_AUDIT_FILE: "/tmp/s.jsonl" }, ["--sandbox"]).audit.file).toBe("/tmp/s.jsonl");
    expect(parse({ GHL_AUDIT_MAX_BYTES: "2048", GHL_AUDIT_KEEP: "9" }).audit).toMatchObject({
      maxBytes: 2048,
      keep: 9,
    });
    expect(() => parse({ GHL_AUDIT_MAX_BYTES: "10MB" })).toThrow(/GHL_AUDIT_MAX_BYTES/);
    expect(() => parse({ GHL_AUDIT_KEEP: "0" })).toThrow(/GHL_AUDIT_KEEP/);
    expect(() => parse({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
    expect(parse({ LOG_FORMAT: "Pretty" }).logFormat).toBe("pretty");
  });
});

const BIN = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
const built = existsSync(BIN);
if (!built) console.warn(`kill -9 test skipped: ${BIN} is missing; run \`npm run build\` (npm test does).`);

describe.skipIf(!built)("durability", () => {
  it("keeps every record when the server is killed with SIGKILL right after a write", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "--sandbox"],
      env: { PATH: process.env.PATH ?? "", GHL_AUDIT_FILE: file, LOG_LEVEL: "warn" },
      stderr: "pipe",
    });
    const client = new Client({ name: "kill-test", version: "1.0.0" });
    await client.connect(transport);
    const noteIds: string[] = [];
    let killed = false;
    try {
      for (let i = 0; i < 3; i++) {
        const result = (await client.callTool({
          name: "create_note",
          arguments: { contactId: DEMO_CONTACT_ID, body: `kill test ${i}` },
        })) as CallToolResult;
        if (i === 2) {
          // As soon as the result arrives: no chance for a late flush.
          process.kill(transport.pid as number, "SIGKILL");
          killed = true;
        }
        noteIds.push(data<{ note: { id: string } }>(result).note.id);
      }
    } finally {
      if (!killed && transport.pid) process.kill(transport.pid, "SIGKILL");
      await client.close().catch(() => {});
    }
    const records = fileRecords(file);
    expect(records.map((r) => r.ids.noteId)).toEqual(noteIds);
    expect(records.every((r) => r.tool === "create_note" && r.outcome.ok)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
