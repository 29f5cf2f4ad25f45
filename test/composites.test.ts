/**
 * Composite tools against the sandbox: the GHL requests each makes (counted at the sandbox),
 * idempotency on a second run, dry runs, and partial-failure reports.
 */
import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CONTACT_ID, DEMO_LOCATION_ID, type RecordedRequest } from "../src/sandbox/index.js";
import { resolveDueDate } from "../tools/due-date.js";
import { data, type Harness, startHarness, text } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.sandbox.clearFaults();
  h.sandbox.store.seed(DEMO_LOCATION_ID);
  h.sandbox.resetRequests();
});

const isRead = (r: RecordedRequest) =>
  r.method === "GET" || (r.method === "POST" && r.path === "/contacts/search");
function counted() {
  const reads = h.sandbox.requests.filter(isRead).length;
  return { reads, writes: h.sandbox.requests.length - reads };
}
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const contactId = DEMO_CONTACT_ID;

describe("get_contact_overview", () => {
  it("returns contact, sorted capped lists and total counts from four reads", async () => {
    const all = h.sandbox.store.tasks(DEMO_LOCATION_ID, contactId);
    const out = data<{
      contact: { id: string };
      tasks: Array<{ completed: boolean; dueDate: string }>;
      notes: Array<{ dateAdded: string }>;
      events: unknown[];
      counts: { tasks: number; openTasks: number; notes: number; events: number };
    }>(await h.call("get_contact_overview", { contactId, limit: 2 }));
    expect(out.contact.id).toBe(contactId);
    expect(out.counts.tasks).toBe(all.length);
    expect(out.counts.openTasks).toBe(all.filter((t) => !t.completed).length);
    expect(out.tasks).toHaveLength(Math.min(2, all.length));
    expect(out.counts.notes).toBeGreaterThan(out.notes.length - 1);
    // Open tasks first; notes newest first.
    const flags = out.tasks.map((t) => t.completed);
    expect(flags).toEqual([...flags].sort((a, b) => Number(a) - Number(b)));
    const noteTimes = out.notes.map((n) => Date.parse(n.dateAdded));
    expect(noteTimes).toEqual([...noteTimes].sort((a, b) => b - a));
    expect(counted()).toEqual({ reads: 4, writes: 0 });
    expect(h.sandbox.requests.map((r) => r.path).sort()).toEqual(
      [
        `/contacts/${contactId}`,
        ...["appointments", "notes", "tasks"].map((p) => `/contacts/${contactId}/${p}`),
      ].sort(),
    );
  });

  it("reads in parallel: with every read slowed, it beats four sequential calls by far", async () => {
    const slow = (path: string) => h.sandbox.injectFault({ method: "GET", path, delayMs: 150, times: 1 });
    const paths = ["", "/tasks", "/notes", "/appointments"].map((p) => `/contacts/${contactId}${p}`);
    paths.forEach(slow);
    let started = performance.now();
    await h.call("get_contact_overview", { contactId });
    const overview = performance.now() - started;
    paths.forEach(slow);
    started = performance.now();
    await h.call("get_contact", { contactId });
    await h.call("list_tasks", { contactId });
    await h.call("list_notes", { contactId });
    await h.call("list_appointments", { contactId });
    const sequential = performance.now() - started;
    expect(overview / sequential).toBeLessThan(0.6);
  });

  it("answers 404 for an unknown contact", async () => {
    const result = await h.call("get_contact_overview", { contactId: "zzzzzzzzzzzzzzzzzzzz" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Not found \(404\)/);
  });
});

describe("set_contact_tags", () => {
  it("adds only missing tags and removes only present ones, then is a no-op", async () => {
    const first = data<{ tags: string[]; added: string[]; removed: string[] }>(
      await h.call("set_contact_tags", {
        contactId,
        add: ["VIP", "renewal"],
        remove: ["newsletter", "never-had"],
      }),
    );
    expect(first.added).toEqual(["renewal"]);
    expect(first.removed).toEqual(["newsletter"]);
    expect(first.tags).toContain("renewal");
    expect(first.tags).not.toContain("newsletter");
    expect(counted()).toEqual({ reads: 1, writes: 2 });

    h.sandbox.resetRequests();
    const second = data<{ tags: string[]; added: string[]; removed: string[] }>(
      await h.call("set_contact_tags", {
        contactId,
        add: ["VIP", "renewal"],
        remove: ["newsletter", "never-had"],
      }),
    );
    expect(second).toMatchObject({ added: [], removed: [] });
    expect(second.tags.sort()).toEqual(first.tags.sort());
    expect(counted()).toEqual({ reads: 1, writes: 0 });
  });

  it.each([
    [{ contactId }, /give `add`, `remove` or both/],
    [{ contactId, add: ["a"], remove: [" A "] }, /"a" is in both add and remove/],
    [{ contactId, add: [] }, /`add`: give at least one tag/],
  ])("refuses %j before any request", async (args, message) => {
    const result = await h.call("set_contact_tags", args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(h.sandbox.requests).toHaveLength(0);
  });

  it("reports a part-way failure, and a retry finishes without repeating", async () => {
    h.sandbox.injectFault({ method: "DELETE", path: `/contacts/${contactId}/tags`, status: 400, times: 1 });
    const failed = await h.call("set_contact_tags", { contactId, add: ["renewal"], remove: ["vip"] });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toMatch(
      /Written before the failure: add tags renewal\. Not written: remove tags vip\./,
    );
    h.sandbox.resetRequests();
    const retried = data<{ added: string[]; removed: string[] }>(
      await h.call("set_contact_tags", { contactId, add: ["renewal"], remove: ["vip"] }),
    );
    expect(retried).toMatchObject({ added: [], removed: ["vip"] });
    expect(counted()).toEqual({ reads: 1, writes: 1 });
  });
});

describe("schedule_reminder", () => {
  type Reminder = {
    task: { id: string; dueDate: string; title: string };
    created: boolean;
    rescheduled: boolean;
  };

  it("creates once, then neither duplicates nor rewrites the same reminder", async () => {
    const dueDate = inDays(2);
    const first = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Renewal call", dueDate }),
    );
    expect(first).toMatchObject({ created: true, rescheduled: false });
    expect(counted()).toEqual({ reads: 1, writes: 1 });

    h.sandbox.resetRequests();
    const again = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: " renewal CALL ", dueDate }),
    );
    expect(again).toMatchObject({ created: false, rescheduled: false });
    expect(again.task.id).toBe(first.task.id);
    expect(counted()).toEqual({ reads: 1, writes: 0 });
  });

  it("reschedules the open task with the same title, sending only what changed", async () => {
    const first = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Demo", dueDate: inDays(1) }),
    );
    h.sandbox.resetRequests();
    const later = inDays(5);
    const moved = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Demo", dueDate: later }),
    );
    expect(moved).toMatchObject({ created: false, rescheduled: true });
    expect(moved.task.id).toBe(first.task.id);
    expect(Date.parse(moved.task.dueDate)).toBe(Date.parse(later));
    const put = h.sandbox.requests.find((r) => r.method === "PUT");
    expect(put?.body).toEqual({ dueDate: later });
    expect(counted()).toEqual({ reads: 1, writes: 1 });
  });

  it("does not reuse a completed task with the same title", async () => {
    const first = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Check in", dueDate: "PT2H" }),
    );
    await h.call("complete_task", { contactId, taskId: first.task.id });
    const next = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Check in", dueDate: "P3D" }),
    );
    expect(next.created).toBe(true);
    expect(next.task.id).not.toBe(first.task.id);
  });

  it("creates one task when the create's answer is lost", async () => {
    h.sandbox.injectFault({ method: "POST", path: `/contacts/${contactId}/tasks`, reset: "after", times: 1 });
    const out = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Reset", dueDate: "P1D" }),
    );
    expect(out.created).toBe(true);
    const same = h.sandbox.store.tasks(DEMO_LOCATION_ID, contactId).filter((t) => t.title === "Reset");
    expect(same.map((t) => t.id)).toEqual([out.task.id]);
  });

  it("resolves a duration from now", async () => {
    const before = Date.now();
    const out = data<Reminder>(
      await h.call("schedule_reminder", { contactId, title: "Soon", dueDate: "PT2H" }),
    );
    const due = Date.parse(out.task.dueDate);
    expect(due - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(due - before).toBeLessThan(2 * 3_600_000 + 60_000);
  });

  it.each([
    [{ contactId, title: "x", dueDate: "2020-01-01T00:00:00Z" }, /is in the past/],
    [
      { contactId, title: "x", dueDate: "tomorrow" },
      /`dueDate`: must be an ISO 8601 date-time .* or a duration/,
    ],
    [{ contactId, title: "x", dueDate: "PT" }, /`dueDate`/],
    [{ contactId, title: "", dueDate: "PT1H" }, /`title`/],
  ])("refuses %j before any request", async (args, message) => {
    const result = await h.call("schedule_reminder", args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(h.sandbox.requests).toHaveLength(0);
  });
});

describe("resolveDueDate", () => {
  const now = new Date("2026-01-31T10:00:00Z");
  it.each([
    ["PT2H", "2026-01-31T12:00:00.000Z"],
    ["PT90M", "2026-01-31T11:30:00.000Z"],
    ["P3D", "2026-02-03T10:00:00.000Z"],
    ["P1W", "2026-02-07T10:00:00.000Z"],
    ["P1DT30S", "2026-02-01T10:00:30.000Z"],
    ["P1Y", "2027-01-31T10:00:00.000Z"],
    ["2026-12-24T15:00:00+01:00", "2026-12-24T14:00:00.000Z"],
  ])("%s", (input, expected) => {
    expect(resolveDueDate(input, now)).toBe(expected);
  });
});

describe("sync_contact", () => {
  type Sync = {
    contactId: string | null;
    created: boolean;
    dryRun: boolean;
    changes: {
      fields: Array<{ field: string; from: unknown; to: unknown }>;
      tagsAdded: string[];
      tagsRemoved: string[];
      tasksCreated: Array<{ id: string | null; title: string }>;
      tasksUpdated: Array<{ id: string; title: string; fields: string[] }>;
      notesCreated: Array<{ id: string | null; body: string }>;
    };
    requests: { reads: number; writes: number };
  };
  const existingTask = () => h.sandbox.store.tasks(DEMO_LOCATION_ID, contactId)[0];

  const input = () => ({
    contactId,
    fields: { city: "Lisbon", phone: "+1 (415) 555-0142", firstName: "Maya" },
    tags: { add: ["Renewal"], remove: ["newsletter"] },
    tasks: [
      { title: "Quarterly review", dueDate: "2030-03-01T10:00:00Z", body: "Q1" },
      { title: ` ${existingTask()?.title.toUpperCase()} `, dueDate: "2030-04-01T10:00:00Z" },
    ],
    notes: [{ body: "Synced from CRM" }, { body: "Synced from CRM" }],
  });

  it("writes only differences, with the fewest requests, and the second run writes nothing", async () => {
    const args = input();
    const first = data<Sync>(await h.call("sync_contact", args));
    // Phone and first name already match (phone compared by digits), so only the city changes.
    expect(first.changes.fields).toEqual([{ field: "city", from: expect.anything(), to: "Lisbon" }]);
    expect(first.changes.tagsAdded).toEqual(["Renewal"]);
    expect(first.changes.tagsRemoved).toEqual(["newsletter"]);
    expect(first.changes.tasksCreated).toEqual([{ id: expect.any(String), title: "Quarterly review" }]);
    expect(first.changes.tasksUpdated).toEqual([
      { id: existingTask()?.id, title: expect.any(String), fields: ["dueDate"] },
    ]);
    expect(first.changes.notesCreated).toEqual([{ id: expect.any(String), body: "Synced from CRM" }]);
    // contact + tasks + notes reads; PUT, add tags, remove tags, 1 task create, 1 task update, 1 note.
    expect(first.requests).toEqual({ reads: 3, writes: 6 });
    expect(counted()).toEqual(first.requests);
    const put = h.sandbox.requests.find((r) => r.method === "PUT" && r.path === `/contacts/${contactId}`);
    expect(put?.body).toEqual({ city: "Lisbon" });

    h.sandbox.resetRequests();
    const second = data<Sync>(await h.call("sync_contact", args));
    expect(second.changes).toEqual({
      fields: [],
      tagsAdded: [],
      tagsRemoved: [],
      tasksCreated: [],
      tasksUpdated: [],
      notesCreated: [],
    });
    expect(second.requests).toEqual({ reads: 3, writes: 0 });
    expect(counted()).toEqual({ reads: 3, writes: 0 });
  });

  it("records each changed field's value before and after in the audit log", async () => {
    const before = h.sandbox.store.getContact(DEMO_LOCATION_ID, contactId)?.city;
    await h.call("sync_contact", { contactId, fields: { city: "Auditville" }, tags: { add: ["audited"] } });
    const records = readFileSync(h.auditFile as string, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const put = records.findLast((r) => r.tool === "sync_contact" && r.method === "PUT");
    expect(put.changes).toEqual({ city: { before, after: "Auditville" } });
    const tags = records.findLast((r) => r.tool === "sync_contact" && r.method === "POST");
    expect(tags.before.tags).toEqual(expect.arrayContaining(["customer"]));
  });

  it("dryRun returns the same plan with zero writes", async () => {
    const args = input();
    const plan = data<Sync>(await h.call("sync_contact", { ...args, dryRun: true }));
    expect(plan.dryRun).toBe(true);
    expect(counted()).toEqual({ reads: 3, writes: 0 });
    const real = data<Sync>(await h.call("sync_contact", args));
    const withoutIds = (s: Sync) => ({
      ...s.changes,
      tasksCreated: s.changes.tasksCreated.map((t) => t.title),
      notesCreated: s.changes.notesCreated.map((n) => n.body),
    });
    expect(withoutIds(plan)).toEqual(withoutIds(real));
  });

  it("reads only the contact when no tasks or notes are given", async () => {
    data<Sync>(await h.call("sync_contact", { contactId, fields: { city: "Porto" } }));
    expect(counted()).toEqual({ reads: 1, writes: 1 });
  });

  it("finds by email, or creates with createIfMissing, then is idempotent", async () => {
    const email = "new.person@example.com";
    const missing = await h.call("sync_contact", { email, fields: { firstName: "New" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(
      /No contact has the email new.person@example.com. Pass createIfMissing: true/,
    );

    h.sandbox.resetRequests();
    const args = {
      email,
      createIfMissing: true,
      fields: { firstName: "New", lastName: "Person" },
      tags: { add: ["lead"] },
      tasks: [{ title: "Welcome call", dueDate: "2030-01-10T09:00:00Z" }],
      notes: [{ body: "Came from the webinar" }],
    };
    const created = data<Sync>(await h.call("sync_contact", args));
    expect(created.created).toBe(true);
    expect(created.contactId).toMatch(/^[A-Za-z0-9]+$/);
    // One search; no task or note reads for a brand-new contact; create, task, note.
    expect(counted()).toEqual({ reads: 1, writes: 3 });
    const contact = h.sandbox.store.getContact(DEMO_LOCATION_ID, created.contactId as string);
    expect(contact?.tags).toEqual(["lead"]);

    h.sandbox.resetRequests();
    const again = data<Sync>(await h.call("sync_contact", args));
    expect(again).toMatchObject({ contactId: created.contactId, created: false });
    expect(again.requests.writes).toBe(0);
    expect(counted().writes).toBe(0);
  });

  it("a dry run of a create writes nothing and has no id yet", async () => {
    const plan = data<Sync>(
      await h.call("sync_contact", { email: "dry@example.com", createIfMissing: true, dryRun: true }),
    );
    expect(plan).toMatchObject({ contactId: null, created: true, dryRun: true });
    expect(plan.changes.fields).toEqual([{ field: "email", from: null, to: "dry@example.com" }]);
    expect(counted()).toEqual({ reads: 1, writes: 0 });
  });

  it.each([
    [{ fields: { city: "x" } }, /exactly one of `contactId` or `email`/],
    [{ contactId, email: "a@b.co" }, /exactly one/],
    [{ contactId, tags: { add: ["x"], remove: ["X"] } }, /"x" is in both add and remove/],
    [
      {
        contactId,
        tasks: [
          { title: "Same", dueDate: "2030-01-01T00:00:00Z" },
          { title: "same ", dueDate: "2030-01-02T00:00:00Z" },
        ],
      },
      /Two tasks have the title "same"/,
    ],
    [{ contactId, fields: { email: "nope" } }, /`fields.email`/],
    [{ contactId, fields: { tags: ["x"] } }, /unknown field `tags`/],
    [{ contactId, tasks: [{ title: "x", dueDate: "soon" }] }, /`tasks.0.dueDate`/],
  ])("refuses %j before any request", async (args, message) => {
    const result = await h.call("sync_contact", args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(h.sandbox.requests).toHaveLength(0);
  });

  it("reports a part-way failure, and a retry writes only what is missing", async () => {
    h.sandbox.injectFault({ method: "POST", path: `/contacts/${contactId}/notes`, status: 400, times: 1 });
    const args = {
      contactId,
      fields: { city: "Berlin" },
      notes: [{ body: "First note" }],
      tasks: [{ title: "Follow-up", dueDate: "2030-02-01T09:00:00Z" }],
    };
    const failed = await h.call("sync_contact", args);
    expect(failed.isError).toBe(true);
    expect(text(failed)).toMatch(
      /Written before the failure: update contact fields city; create task "Follow-up"\. Not written: create note "First note"\./,
    );
    expect(text(failed)).toMatch(
      /Calling sync_contact again with the same input writes only what is still missing/,
    );

    h.sandbox.resetRequests();
    const retried = data<Sync>(await h.call("sync_contact", args));
    expect(retried.changes.fields).toEqual([]);
    expect(retried.changes.tasksCreated).toEqual([]);
    expect(retried.changes.notesCreated).toHaveLength(1);
    expect(counted()).toEqual({ reads: 3, writes: 1 });
  });

  it("a create whose answer is lost is found by reading, not made twice", async () => {
    h.sandbox.injectFault({ method: "POST", path: `/contacts/${contactId}/tasks`, reset: "after", times: 1 });
    h.sandbox.injectFault({ method: "POST", path: `/contacts/${contactId}/notes`, reset: "after", times: 1 });
    const out = data<Sync>(
      await h.call("sync_contact", {
        contactId,
        tasks: [{ title: "Lost answer", dueDate: "2030-07-01T09:00:00Z" }],
        notes: [{ body: "Lost note" }],
      }),
    );
    expect(out.changes.tasksCreated).toEqual([{ id: expect.any(String), title: "Lost answer" }]);
    const tasks = h.sandbox.store.tasks(DEMO_LOCATION_ID, contactId).filter((t) => t.title === "Lost answer");
    const notes = h.sandbox.store.notes(DEMO_LOCATION_ID, contactId).filter((n) => n.body === "Lost note");
    expect(tasks).toHaveLength(1);
    expect(notes).toHaveLength(1);
    expect(out.changes.notesCreated).toEqual([{ id: notes[0]?.id, body: "Lost note" }]);
  });

  it("reports progress when the client asks for it", async () => {
    const progress: Array<{ progress: number; total?: number }> = [];
    const result = (await h.client.callTool(
      {
        name: "sync_contact",
        arguments: { contactId, fields: { city: "Madrid" }, tags: { add: ["progress-test"] } },
      },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toMatchObject({ progress: 3, total: 3 });
  });
});
