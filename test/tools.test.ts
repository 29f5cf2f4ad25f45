/**
 * Every tool through a real MCP client against the sandbox over HTTP: happy path, not found,
 * and bad arguments that must be refused before any request leaves the server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_BUSINESS_ID, DEMO_CONTACT_ID, DEMO_LOCATION_ID } from "../src/sandbox/index.js";
import { data, type Harness, startHarness, text } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.resetRequests());

const MISSING = "zzzzzzzzzzzzzzzzzzzz";
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function firstTaskId(contactId = DEMO_CONTACT_ID): Promise<string> {
  const { tasks } = data<{ tasks: Array<{ id: string }> }>(await h.call("list_tasks", { contactId }));
  const id = tasks[0]?.id;
  if (!id) throw new Error("demo contact has no task");
  return id;
}

async function firstNoteId(contactId = DEMO_CONTACT_ID): Promise<string> {
  const { notes } = data<{ notes: Array<{ id: string }> }>(await h.call("list_notes", { contactId }));
  const id = notes[0]?.id;
  if (!id) throw new Error("demo contact has no note");
  return id;
}

describe("contacts", () => {
  it("get_contact returns GHL's contact with its fields", async () => {
    const { contact } = data<{ contact: Record<string, unknown> }>(
      await h.call("get_contact", { contactId: DEMO_CONTACT_ID }),
    );
    expect(contact.id).toBe(DEMO_CONTACT_ID);
    expect(contact.firstName).toBe("Maya");
    expect(contact.locationId).toBe(DEMO_LOCATION_ID);
    expect(Array.isArray(contact.tags)).toBe(true);
  });

  it("list_contacts pages with the returned cursor until the end, without repeats", async () => {
    const seen: string[] = [];
    let cursor: { startAfter: number; startAfterId: string } | null = null;
    let count = 0;
    for (let page = 0; page < 20; page++) {
      const result: { contacts: Array<{ id: string }>; count: number; nextPage: typeof cursor } = data(
        await h.call("list_contacts", { limit: 5, ...(cursor ?? {}) }),
      );
      count = result.count;
      seen.push(...result.contacts.map((c) => c.id));
      cursor = result.nextPage;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(count);
    expect(count).toBeGreaterThanOrEqual(10);
  });

  it("list_contacts filters by query", async () => {
    const result = data<{ contacts: Array<{ firstName: string }> }>(
      await h.call("list_contacts", { query: "maya" }),
    );
    expect(result.contacts.map((c) => c.firstName)).toContain("Maya");
  });

  it("search_contacts finds by filter and reports the next page", async () => {
    const result = data<{
      contacts: Array<{ id: string; email: string }>;
      total: number;
      nextPage: number | null;
    }>(
      await h.call("search_contacts", {
        filters: [{ field: "email", operator: "eq", value: "maya.patel@brightpath.io" }],
      }),
    );
    expect(result.contacts.map((c) => c.id)).toEqual([DEMO_CONTACT_ID]);
    expect(result.total).toBe(1);
    expect(result.nextPage).toBeNull();

    const paged = data<{ contacts: unknown[]; nextPage: number | null }>(
      await h.call("search_contacts", { pageLimit: 2 }),
    );
    expect(paged.contacts).toHaveLength(2);
    expect(paged.nextPage).toBe(2);
  });

  it("list_business_contacts lists a business's contacts", async () => {
    const result = data<{ contacts: Array<{ businessId: string }>; count: number }>(
      await h.call("list_business_contacts", { businessId: DEMO_BUSINESS_ID }),
    );
    expect(result.count).toBeGreaterThan(0);
    expect(result.contacts.every((c) => c.businessId === DEMO_BUSINESS_ID)).toBe(true);
  });

  it("create, update and delete a contact", async () => {
    const created = data<{ contact: { id: string; email: string; tags: string[] } }>(
      await h.call("create_contact", {
        firstName: "Test",
        lastName: "Person",
        email: "test.person@example.com",
        tags: ["Trial"],
        customFields: [{ id: "cfPlanTier000000001", value: "gold" }],
      }),
    );
    const id = created.contact.id;
    expect(created.contact.email).toBe("test.person@example.com");
    const create = h.sandbox.requests.find((r) => r.method === "POST" && r.path === "/contacts/");
    expect(create?.body).toMatchObject({
      locationId: DEMO_LOCATION_ID,
      customFields: [{ id: "cfPlanTier000000001", field_value: "gold" }],
    });

    const updated = data<{ contact: { city: string } }>(
      await h.call("update_contact", { contactId: id, city: "Lisbon" }),
    );
    expect(updated.contact.city).toBe("Lisbon");
    const put = h.sandbox.requests.find((r) => r.method === "PUT");
    expect(put?.body).toEqual({ city: "Lisbon" });

    expect(data(await h.call("delete_contact", { contactId: id }))).toEqual({ succeeded: true });
    const gone = await h.call("get_contact", { contactId: id });
    expect(gone.isError).toBe(true);
  });

  it("create_contact surfaces GHL's duplicate refusal", async () => {
    const result = await h.call("create_contact", { email: "maya.patel@brightpath.io" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/GHL rejected the request \(400\).*duplicated/);
  });
});

describe("tasks", () => {
  it("list, get, create, update, complete and delete", async () => {
    const taskId = await firstTaskId();
    const { task } = data<{ task: { id: string } }>(
      await h.call("get_task", { contactId: DEMO_CONTACT_ID, taskId }),
    );
    expect(task.id).toBe(taskId);

    const dueDate = future(3);
    const created = data<{ task: { id: string; title: string; completed: boolean; dueDate: string } }>(
      await h.call("create_task", { contactId: DEMO_CONTACT_ID, title: "Call back", dueDate }),
    );
    expect(created.task).toMatchObject({ title: "Call back", completed: false });
    const post = h.sandbox.requests.find((r) => r.method === "POST");
    expect(post?.body).toEqual({ title: "Call back", dueDate, completed: false });
    const id = created.task.id;

    const updated = data<{ task: { title: string } }>(
      await h.call("update_task", { contactId: DEMO_CONTACT_ID, taskId: id, title: "Call back Maya" }),
    );
    expect(updated.task.title).toBe("Call back Maya");

    const done = data<{ task: { completed: boolean } }>(
      await h.call("complete_task", { contactId: DEMO_CONTACT_ID, taskId: id }),
    );
    expect(done.task.completed).toBe(true);
    const reopened = data<{ task: { completed: boolean } }>(
      await h.call("complete_task", { contactId: DEMO_CONTACT_ID, taskId: id, completed: false }),
    );
    expect(reopened.task.completed).toBe(false);

    expect(data(await h.call("delete_task", { contactId: DEMO_CONTACT_ID, taskId: id }))).toEqual({
      succeeded: true,
    });
    expect(h.sandbox.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID).some((t) => t.id === id)).toBe(false);
  });
});

describe("notes", () => {
  it("list, get, create, update and delete", async () => {
    const noteId = await firstNoteId();
    const { note } = data<{ note: { id: string } }>(
      await h.call("get_note", { contactId: DEMO_CONTACT_ID, noteId }),
    );
    expect(note.id).toBe(noteId);

    const created = data<{ note: { id: string; body: string } }>(
      await h.call("create_note", { contactId: DEMO_CONTACT_ID, body: "Spoke about renewal." }),
    );
    expect(created.note.body).toBe("Spoke about renewal.");
    const updated = data<{ note: { body: string } }>(
      await h.call("update_note", {
        contactId: DEMO_CONTACT_ID,
        noteId: created.note.id,
        body: "Renewal agreed.",
      }),
    );
    expect(updated.note.body).toBe("Renewal agreed.");
    // GHL names the path parameter `id`; our argument is noteId, the path must carry it.
    expect(h.sandbox.requests.at(-1)?.path).toBe(`/contacts/${DEMO_CONTACT_ID}/notes/${created.note.id}`);
    expect(
      data(await h.call("delete_note", { contactId: DEMO_CONTACT_ID, noteId: created.note.id })),
    ).toEqual({
      succeeded: true,
    });
  });
});

describe("tags and appointments", () => {
  it("add_tags and remove_tags return the contact's tags", async () => {
    const added = data<{ tags: string[] }>(
      await h.call("add_tags", { contactId: DEMO_CONTACT_ID, tags: ["webinar-2026"] }),
    );
    expect(added.tags).toContain("webinar-2026");
    const removed = data<{ tags: string[] }>(
      await h.call("remove_tags", { contactId: DEMO_CONTACT_ID, tags: ["WEBINAR-2026"] }),
    );
    expect(removed.tags).not.toContain("webinar-2026");
  });

  it("list_appointments returns the contact's events", async () => {
    const { events } = data<{ events: Array<{ contactId: string }> }>(
      await h.call("list_appointments", { contactId: DEMO_CONTACT_ID }),
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.contactId === DEMO_CONTACT_ID)).toBe(true);
  });
});

describe("not found", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["get_contact", { contactId: MISSING }, /no contact with that id.*search_contacts/],
    ["update_contact", { contactId: MISSING, city: "X" }, /no contact/],
    ["delete_contact", { contactId: MISSING }, /no contact/],
    ["list_tasks", { contactId: MISSING }, /no contact/],
    ["get_task", { contactId: DEMO_CONTACT_ID, taskId: MISSING }, /no such task.*list_tasks/],
    ["create_task", { contactId: MISSING, title: "x", dueDate: "2030-01-01T00:00:00Z" }, /no contact/],
    ["update_task", { contactId: DEMO_CONTACT_ID, taskId: MISSING, title: "x" }, /no such task/],
    ["complete_task", { contactId: DEMO_CONTACT_ID, taskId: MISSING }, /no such task/],
    ["delete_task", { contactId: DEMO_CONTACT_ID, taskId: MISSING }, /no such task/],
    ["list_notes", { contactId: MISSING }, /no contact/],
    ["get_note", { contactId: DEMO_CONTACT_ID, noteId: MISSING }, /no such note.*list_notes/],
    ["create_note", { contactId: MISSING, body: "x" }, /no contact/],
    ["update_note", { contactId: DEMO_CONTACT_ID, noteId: MISSING, body: "x" }, /no such note/],
    ["delete_note", { contactId: DEMO_CONTACT_ID, noteId: MISSING }, /no such note/],
    ["list_appointments", { contactId: MISSING }, /no contact/],
    ["add_tags", { contactId: MISSING, tags: ["a"] }, /no contact/],
    ["remove_tags", { contactId: MISSING, tags: ["a"] }, /no contact/],
  ];
  it.each(cases)("%s answers a clear 404", async (tool, args, message) => {
    const result = await h.call(tool, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Not found \(404\)/);
    expect(text(result)).toMatch(message);
  });

  it("list_business_contacts for an unknown business returns no contacts", async () => {
    const result = data<{ contacts: unknown[]; count: number }>(
      await h.call("list_business_contacts", { businessId: "000000000000000000000000" }),
    );
    expect(result).toMatchObject({ contacts: [], count: 0 });
  });
});

describe("bad arguments are refused before any request", () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ["get_contact", { contactId: "../locations" }, /`contactId`: must be a GHL id/],
    ["get_contact", { contactId: "abc/def" }, /`contactId`/],
    ["get_contact", { contactId: "abc?x=1" }, /`contactId`/],
    ["get_contact", { contactId: "abc#x" }, /`contactId`/],
    ["get_contact", { contactId: "abc def" }, /`contactId`/],
    ["get_contact", { contactId: "a".repeat(65) }, /`contactId`/],
    ["get_contact", {}, /`contactId`/],
    ["get_contact", { contactId: DEMO_CONTACT_ID, extra: 1 }, /unknown field `extra`/],
    ["list_contacts", { limit: 500 }, /`limit`/],
    ["list_contacts", { startAfter: 5 }, /startAfter.*startAfterId.*together/],
    ["search_contacts", { filters: [{ field: "email", operator: "like", value: "x" }] }, /`filters.0/],
    ["search_contacts", { pageLimit: 0 }, /`pageLimit`/],
    ["list_business_contacts", { businessId: "x/y" }, /`businessId`/],
    ["create_contact", { email: "not-an-email" }, /`email`: must be an email address/],
    ["create_contact", { city: "Paris" }, /at least one of firstName/],
    ["create_contact", { firstName: "A", website: "nope" }, /`website`/],
    ["create_contact", { firstName: "A", tags: [] }, /`tags`: give at least one tag/],
    ["create_contact", { firstName: "A", country: "France" }, /`country`/],
    ["create_contact", { firstName: "A", dateOfBirth: "31/12/1990" }, /`dateOfBirth`/],
    ["create_contact", { firstName: "A", customFields: [{ value: "x" }] }, /`customFields.0.id`/],
    ["update_contact", { contactId: DEMO_CONTACT_ID }, /at least one field/],
    ["update_contact", { contactId: DEMO_CONTACT_ID, tags: ["x"] }, /unknown field `tags`/],
    ["update_contact", { contactId: DEMO_CONTACT_ID, phone: "call me" }, /`phone`/],
    [
      "create_task",
      { contactId: DEMO_CONTACT_ID, title: "x", dueDate: "tomorrow" },
      /`dueDate`: must be an ISO 8601/,
    ],
    ["create_task", { contactId: DEMO_CONTACT_ID, title: "x", dueDate: "2026-13-01T00:00:00Z" }, /`dueDate`/],
    ["create_task", { contactId: DEMO_CONTACT_ID, title: "", dueDate: "2030-01-01T00:00:00Z" }, /`title`/],
    ["create_task", { contactId: DEMO_CONTACT_ID, dueDate: "2030-01-01T00:00:00Z" }, /`title`/],
    ["update_task", { contactId: DEMO_CONTACT_ID, taskId: "t1" }, /at least one field/],
    ["complete_task", { contactId: DEMO_CONTACT_ID, taskId: "t 1" }, /`taskId`/],
    ["get_task", { contactId: DEMO_CONTACT_ID, taskId: ".." }, /`taskId`/],
    ["delete_task", { contactId: "..", taskId: "abc" }, /`contactId`/],
    ["get_note", { contactId: DEMO_CONTACT_ID, noteId: "a/b" }, /`noteId`/],
    ["create_note", { contactId: DEMO_CONTACT_ID, body: "   " }, /`body`/],
    ["update_note", { contactId: DEMO_CONTACT_ID, noteId: "n1" }, /`body`/],
    ["delete_note", { contactId: DEMO_CONTACT_ID, noteId: "n?1" }, /`noteId`/],
    ["list_notes", { contactId: 42 }, /`contactId`/],
    ["list_tasks", { contactId: null }, /`contactId`/],
    ["list_appointments", { contactId: "x\ny" }, /`contactId`/],
    ["add_tags", { contactId: DEMO_CONTACT_ID, tags: [] }, /`tags`: give at least one tag/],
    ["add_tags", { contactId: DEMO_CONTACT_ID, tags: ["  "] }, /`tags.0`/],
    ["remove_tags", { contactId: DEMO_CONTACT_ID, tags: "vip" }, /`tags`/],
  ];
  it.each(bad)("%s %j", async (tool, args, message) => {
    const result = await h.call(tool, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(text(result)).toMatch(/No request was sent to GHL\.$/);
    expect(h.sandbox.requests).toHaveLength(0);
  });
});

describe("locationId", () => {
  it("an explicit locationId of another sub-account is refused by GHL with a clear message", async () => {
    const result = await h.call("list_contacts", { locationId: "OtherLocation0000001" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/403.*GHL_LOCATION_ID/);
  });
});
