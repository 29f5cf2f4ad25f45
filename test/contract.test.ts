/**
 * Contract test: drive every tool against the sandbox, then check each request our client sent
 * and each response the sandbox gave against HighLevel's own OpenAPI spec. Skipped with a note
 * where the spec folder (../shared/ghl-openapi) is not present.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { DEMO_BUSINESS_ID, DEMO_CONTACT_ID, type RecordedRequest } from "../src/sandbox/index.js";
import { loadContract, specDir } from "./contract/openapi.js";
import { data, type Harness, startHarness } from "./harness.js";

const contract = loadContract();
if (!contract) console.warn(`contract test skipped: no contacts.json in ${specDir()} (set GHL_OPENAPI_DIR).`);

describe.skipIf(!contract)("HighLevel OpenAPI contract", () => {
  let h: Harness;
  let recorded: RecordedRequest[] = [];
  const toolsCalled = new Set<string>();

  beforeAll(async () => {
    h = await startHarness();
    const call = async (name: string, args: Record<string, unknown>) => {
      toolsCalled.add(name);
      return h.call(name, args);
    };
    const contactId = DEMO_CONTACT_ID;
    await call("get_contact", { contactId });
    const page = data<{ nextPage: { startAfter: number; startAfterId: string } }>(
      await call("list_contacts", { limit: 3, query: "a" }),
    );
    await call("list_contacts", { limit: 3, ...page.nextPage });
    await call("search_contacts", {
      query: "patel",
      filters: [
        { field: "tags", operator: "contains", value: "vip" },
        { group: "OR", filters: [{ field: "dnd", operator: "eq", value: false }] },
      ],
      sort: [{ field: "dateAdded", direction: "desc" }],
      pageLimit: 5,
    });
    await call("list_business_contacts", { businessId: DEMO_BUSINESS_ID, limit: 5, skip: 1 });
    const { contact } = data<{ contact: { id: string } }>(
      await call("create_contact", {
        firstName: "Contract",
        lastName: "Check",
        email: "contract.check@example.com",
        phone: "+14155550199",
        companyName: "Spec Co",
        address1: "1 Main St",
        city: "Austin",
        state: "TX",
        postalCode: "73301",
        country: "US",
        website: "https://spec.example.com",
        timezone: "America/Chicago",
        dnd: false,
        source: "contract test",
        dateOfBirth: "1990-01-31",
        tags: ["spec"],
        customFields: [{ id: "cfPlanTier000000001", value: "gold" }],
      }),
    );
    await call("update_contact", { contactId: contact.id, lastName: "Checked", dnd: true });
    const { task } = data<{ task: { id: string } }>(
      await call("create_task", {
        contactId,
        title: "Contract task",
        dueDate: "2030-05-01T09:00:00Z",
        body: "check",
      }),
    );
    await call("list_tasks", { contactId });
    await call("get_task", { contactId, taskId: task.id });
    await call("update_task", { contactId, taskId: task.id, dueDate: "2030-05-02T09:00:00+02:00" });
    await call("complete_task", { contactId, taskId: task.id });
    await call("delete_task", { contactId, taskId: task.id });
    const { note } = data<{ note: { id: string } }>(
      await call("create_note", { contactId, body: "Contract note" }),
    );
    await call("list_notes", { contactId });
    await call("get_note", { contactId, noteId: note.id });
    await call("update_note", { contactId, noteId: note.id, body: "Contract note, edited" });
    await call("delete_note", { contactId, noteId: note.id });
    await call("list_appointments", { contactId });
    await call("add_tags", { contactId, tags: ["spec-tag"] });
    await call("remove_tags", { contactId, tags: ["spec-tag"] });
    await call("read_audit_log", { contactId }); // reads the local audit file; no GHL request
    await call("get_contact_overview", { contactId });
    await call("set_contact_tags", { contactId, add: ["spec-set"], remove: ["spec-set-gone"] });
    await call("schedule_reminder", { contactId, title: "Spec reminder", dueDate: "P2D" });
    await call("schedule_reminder", { contactId, title: "Spec reminder", dueDate: "P3D" });
    await call("sync_contact", {
      email: "contract.check@example.com",
      fields: { city: "Dallas", customFields: [{ id: "cfPlanTier000000001", value: "silver" }] },
      tags: { add: ["synced"], remove: ["spec"] },
      tasks: [{ title: "Spec sync task", dueDate: "2030-06-01T09:00:00Z" }],
      notes: [{ body: "Spec sync note" }],
    });
    await call("sync_contact", {
      email: "contract.new@example.com",
      createIfMissing: true,
      fields: { firstName: "New" },
    });
    await call("delete_contact", { contactId: contact.id });
    // Error answers are part of the contract too.
    await call("get_contact", { contactId: "zzzzzzzzzzzzzzzzzzzz" });
    await call("create_contact", { email: "maya.patel@brightpath.io" });
    recorded = [...h.sandbox.requests];
  });
  afterAll(() => h?.close());

  it("exercised every tool", () => {
    expect([...toolsCalled].sort()).toEqual(
      toolRegistry()
        .all.map((t) => t.name)
        .sort(),
    );
  });

  it("every request our client sent matches the spec", () => {
    expect(recorded.length).toBeGreaterThan(40);
    const problems = recorded.flatMap((r) =>
      (contract?.checkRequest(r) ?? []).map((i) => `${r.method} ${r.path}: ${i.where}: ${i.message}`),
    );
    expect(problems).toEqual([]);
  });

  it("every sandbox response matches the spec", () => {
    const problems = recorded.flatMap((r) =>
      (
        contract?.checkResponse({ method: r.method, path: r.path, status: r.status, body: r.responseBody }) ??
        []
      ).map((i) => `${r.method} ${r.path} → ${r.status}: ${i.where}: ${i.message}`),
    );
    expect(problems).toEqual([]);
  });

  it("covers every operation the tools map to", () => {
    const operations = new Set(recorded.map((r) => contract?.findOperation(r.method, r.path)?.operationId));
    expect(operations.has(undefined)).toBe(false);
    expect(operations.size).toBe(21);
  });
});
