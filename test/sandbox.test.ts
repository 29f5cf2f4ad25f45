import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_BUSINESS_ID,
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  DEMO_TOKEN_WRITE,
  parseFaults,
  type Sandbox,
  type SandboxToken,
  startSandbox,
} from "../src/sandbox/index.js";

// A second sub-account, to check that one location never sees another's data.
const OTHER_LOCATION_ID = "Zq3OtherLoc8h8vShlRW";
const OTHER_TOKEN = "pit-sandbox-other-location";
const TOKENS: SandboxToken[] = [
  { token: DEMO_TOKEN_WRITE, locationId: DEMO_LOCATION_ID, scopes: ["contacts.readonly", "contacts.write"] },
  { token: DEMO_TOKEN_READONLY, locationId: DEMO_LOCATION_ID, scopes: ["contacts.readonly"] },
  { token: OTHER_TOKEN, locationId: OTHER_LOCATION_ID, scopes: ["contacts.readonly", "contacts.write"] },
];

const GHL_ID = /^[A-Za-z0-9]{20}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely in assertions
  body: any;
  headers: Headers;
}

interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  version?: string | null;
  headers?: Record<string, string>;
}

let sb: Sandbox;

/** One real HTTP request to a sandbox, the way the GHL client sends it. */
async function call(
  method: string,
  path: string,
  options: CallOptions = {},
  target: Sandbox = sb,
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const token = options.token === undefined ? DEMO_TOKEN_WRITE : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const version = options.version === undefined ? "2021-07-28" : options.version;
  if (version !== null) headers.Version = version;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${target.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: res.headers };
}

const contactPath = (id = DEMO_CONTACT_ID) => `/contacts/${id}`;
const listPath = (query: Record<string, string> = {}) =>
  `/contacts/?${new URLSearchParams({ locationId: DEMO_LOCATION_ID, ...query }).toString()}`;

beforeAll(async () => {
  sb = await startSandbox({ tokens: TOKENS });
});

afterAll(async () => {
  await sb.close();
});

beforeEach(() => {
  sb.store.seed(DEMO_LOCATION_ID);
  sb.clearFaults();
  sb.resetRequests();
});

describe("startSandbox", () => {
  it("listens on an ephemeral loopback port", () => {
    expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
    expect(sb.port).toBeGreaterThan(0);
  });

  it("seeds every token's location deterministically, with distinct ids per location", async () => {
    const again = await startSandbox({ tokens: TOKENS });
    try {
      const ids = (s: Sandbox, loc: string) => s.store.contacts(loc).map((c) => c.id);
      expect(ids(again, DEMO_LOCATION_ID)).toEqual(ids(sb, DEMO_LOCATION_ID));
      expect(ids(sb, DEMO_LOCATION_ID)).toHaveLength(12);
      expect(ids(sb, OTHER_LOCATION_ID)).toHaveLength(12);
      const shared = ids(sb, OTHER_LOCATION_ID).filter((id) => ids(sb, DEMO_LOCATION_ID).includes(id));
      expect(shared).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it("exports the first, best-filled demo contact and its business", () => {
    const [first] = sb.store.contacts(DEMO_LOCATION_ID);
    expect(first?.id).toBe(DEMO_CONTACT_ID);
    expect(DEMO_CONTACT_ID).toMatch(GHL_ID);
    expect(DEMO_LOCATION_ID).toMatch(GHL_ID);
    expect(DEMO_BUSINESS_ID).toMatch(/^[0-9a-f]{24}$/);
    expect(first?.businessId).toBe(DEMO_BUSINESS_ID);
    expect(sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID).length).toBeGreaterThanOrEqual(1);
    expect(sb.store.notes(DEMO_LOCATION_ID, DEMO_CONTACT_ID).length).toBeGreaterThanOrEqual(1);
    expect(sb.store.events(DEMO_LOCATION_ID, DEMO_CONTACT_ID).length).toBeGreaterThanOrEqual(1);
  });

  it("starts empty with seed: false", async () => {
    const empty = await startSandbox({ seed: false });
    try {
      expect(empty.store.contacts(DEMO_LOCATION_ID)).toEqual([]);
      const res = await call("GET", listPath(), {}, empty);
      expect(res.body).toMatchObject({ contacts: [], count: 0 });
    } finally {
      await empty.close();
    }
  });

  it("close() returns promptly even with a keep-alive connection open", async () => {
    const other = await startSandbox();
    await call("GET", contactPath(), {}, other);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("authentication and request gates", () => {
  it("401 without a token", async () => {
    const res = await call("GET", contactPath(), { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      message: "Invalid token: access token is invalid",
      error: "Unauthorized",
    });
  });

  it("401 with an unknown token", async () => {
    const res = await call("GET", contactPath(), { token: "pit-not-a-real-token" });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("Invalid token: access token is invalid");
  });

  it("401 with the scope message when a read-only token writes, and nothing changes", async () => {
    const res = await call("POST", "/contacts/", {
      token: DEMO_TOKEN_READONLY,
      body: { locationId: DEMO_LOCATION_ID, email: "new@example.com" },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      message: "The token is not authorized for this scope.",
      error: "Unauthorized",
    });
    expect(sb.store.contacts(DEMO_LOCATION_ID)).toHaveLength(12);
  });

  it("lets a read-only token read", async () => {
    const res = await call("GET", contactPath(), { token: DEMO_TOKEN_READONLY });
    expect(res.status).toBe(200);
  });

  it("400 without the Version header", async () => {
    const res = await call("GET", contactPath(), { version: null });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: "version header was not found" });
  });

  it("404 in Nest's words for an unknown route or method", async () => {
    const unknown = await call("GET", "/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ statusCode: 404, message: "Cannot GET /nope", error: "Not Found" });
    const patch = await call("PATCH", contactPath(), { body: {} });
    expect(patch.body.message).toBe(`Cannot PATCH ${contactPath()}`);
  });

  it("400 for a malformed JSON body", async () => {
    const res = await call("POST", "/contacts/", { rawBody: '{"locationId": ' });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe("Bad Request");
    expect(res.body.message).toMatch(/JSON/);
  });

  it("ignores a body sent without a JSON content type, as Express does", async () => {
    const res = await fetch(`${sb.url}/contacts/${DEMO_CONTACT_ID}/tags`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${DEMO_TOKEN_WRITE}`,
        Version: "2021-07-28",
        "Content-Type": "text/plain",
      },
      body: JSON.stringify({ tags: ["x"] }),
    });
    expect(res.status).toBe(422);
  });

  it("keeps locations apart: 404 for another location's contact, 403 for its locationId", async () => {
    const get = await call("GET", contactPath(), { token: OTHER_TOKEN });
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ statusCode: 404, message: "Contact not found" });
    const list = await call("GET", listPath(), { token: OTHER_TOKEN });
    expect(list.status).toBe(403);
    expect(list.body).toEqual({
      statusCode: 403,
      message: "The token does not have access to this location.",
      error: "Forbidden",
    });
    const create = await call("POST", "/contacts/", {
      token: OTHER_TOKEN,
      body: { locationId: DEMO_LOCATION_ID, firstName: "Mallory" },
    });
    expect(create.status).toBe(403);
  });

  it("sends JSON and GHL's rate-limit headers on every response, errors included", async () => {
    for (const res of [await call("GET", contactPath()), await call("GET", contactPath(), { token: null })]) {
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("x-ratelimit-limit-daily")).toBe("200000");
      expect(res.headers.get("x-ratelimit-daily-remaining")).toBe("200000");
      expect(res.headers.get("x-ratelimit-interval-milliseconds")).toBe("10000");
      expect(res.headers.get("x-ratelimit-max")).toBe("100");
      expect(res.headers.get("x-ratelimit-remaining")).toBe("100");
    }
  });
});

describe("contacts", () => {
  it("GET /contacts/{id} answers the full contact", async () => {
    const res = await call("GET", contactPath());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["contact"]);
    expect(res.body.contact).toMatchObject({
      id: DEMO_CONTACT_ID,
      locationId: DEMO_LOCATION_ID,
      name: "Maya Patel",
      firstNameLowerCase: "maya",
      lastNameLowerCase: "patel",
      fullNameLowerCase: "maya patel",
      email: "maya.patel@brightpath.io",
      emailLowerCase: "maya.patel@brightpath.io",
      phone: "+14155550142",
      tags: ["customer", "vip", "newsletter"],
      businessId: DEMO_BUSINESS_ID,
      dnd: false,
    });
    expect(res.body.contact.customFields[0]).toEqual({
      id: expect.stringMatching(GHL_ID),
      value: "Enterprise",
    });
    expect(res.body.contact.dateAdded).toMatch(ISO);
  });

  it("404 for a missing contact", async () => {
    const res = await call("GET", contactPath("doesNotExist12345678"));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, message: "Contact not found" });
  });

  it("POST /contacts/ creates a contact the way GHL stores it", async () => {
    const res = await call("POST", "/contacts/", {
      body: {
        locationId: DEMO_LOCATION_ID,
        firstName: "Rosan",
        lastName: "Deo",
        email: "Rosan@Deos.com",
        phone: "+1 888-888-8888",
        tags: ["  New Lead ", "WEBINAR", "new lead"],
        customFields: [{ id: "MgobCB14YMVKuE4Ka8p1", field_value: "Gold" }],
        dateOfBirth: "1990/09/25",
      },
    });
    expect(res.status).toBe(201);
    const contact = res.body.contact;
    expect(contact).toMatchObject({
      locationId: DEMO_LOCATION_ID,
      firstName: "Rosan",
      firstNameLowerCase: "rosan",
      lastNameLowerCase: "deo",
      fullNameLowerCase: "rosan deo",
      emailLowerCase: "rosan@deos.com",
      phone: "+18888888888",
      tags: ["new lead", "webinar"],
      customFields: [{ id: "MgobCB14YMVKuE4Ka8p1", value: "Gold" }],
      dateOfBirth: "1990-09-25T00:00:00.000Z",
    });
    expect(contact.id).toMatch(GHL_ID);
    expect(contact.dateAdded).toMatch(ISO);
    expect(contact.dateUpdated).toBe(contact.dateAdded);
    expect(sb.store.getContact(DEMO_LOCATION_ID, contact.id)?.email).toBe("Rosan@Deos.com");
    const fetched = await call("GET", contactPath(contact.id));
    expect(fetched.body.contact).toEqual(contact);
  });

  it("fills first and last name from `name` alone", async () => {
    const res = await call("POST", "/contacts/", {
      body: { locationId: DEMO_LOCATION_ID, name: "Ana de Souza" },
    });
    expect(res.body.contact).toMatchObject({ firstName: "Ana", lastName: "de Souza", name: "Ana de Souza" });
  });

  it("422 for a bad email, with message as an array", async () => {
    const res = await call("POST", "/contacts/", {
      body: { locationId: DEMO_LOCATION_ID, email: "not-an-email" },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      statusCode: 422,
      message: ["email must be an email"],
      error: "Unprocessable Entity",
    });
  });

  it("422 without locationId and for unknown properties", async () => {
    const res = await call("POST", "/contacts/", { body: { firstName: "No", favouriteColour: "blue" } });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain("locationId should not be empty");
    expect(res.body.message).toContain("property favouriteColour should not exist");
  });

  it("400 with the existing contact's id for a duplicate email, whatever its case", async () => {
    const res = await call("POST", "/contacts/", {
      body: { locationId: DEMO_LOCATION_ID, email: "MAYA.PATEL@brightpath.io" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      message: "This location does not allow duplicated contacts.",
      meta: { contactId: DEMO_CONTACT_ID, matchingField: "email" },
    });
  });

  it("PUT /contacts/{id} updates, overwrites tags and answers {succeded, contact}", async () => {
    const before = sb.store.getContact(DEMO_LOCATION_ID, DEMO_CONTACT_ID)?.dateUpdated;
    const res = await call("PUT", contactPath(), {
      body: {
        firstName: "Maya-Rose",
        tags: ["Partner"],
        city: null,
        customFields: [{ id: "cf1", value: "x" }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.succeded).toBe(true);
    expect(res.body.contact).toMatchObject({
      id: DEMO_CONTACT_ID,
      firstName: "Maya-Rose",
      fullNameLowerCase: "maya-rose patel",
      tags: ["partner"],
    });
    expect(res.body.contact.city).toBeUndefined();
    // Custom fields merge: the seeded ones stay, the new one is added.
    expect(res.body.contact.customFields).toHaveLength(4);
    expect(res.body.contact.dateUpdated).not.toBe(before);
  });

  it("PUT refuses locationId (UpdateContactDto has none) and 404s a missing contact", async () => {
    const res = await call("PUT", contactPath(), { body: { locationId: DEMO_LOCATION_ID } });
    expect(res.status).toBe(422);
    expect(res.body.message).toEqual(["property locationId should not exist"]);
    const missing = await call("PUT", contactPath("doesNotExist12345678"), { body: { city: "Paris" } });
    expect(missing.status).toBe(404);
  });

  it("PUT refuses an email another contact already has", async () => {
    const other = sb.store.contacts(DEMO_LOCATION_ID)[1];
    const res = await call("PUT", contactPath(other?.id), { body: { email: "maya.patel@brightpath.io" } });
    expect(res.status).toBe(400);
    expect(res.body.meta).toEqual({ contactId: DEMO_CONTACT_ID, matchingField: "email" });
    const self = await call("PUT", contactPath(), { body: { email: "maya.patel@brightpath.io" } });
    expect(self.status).toBe(200);
  });

  it("DELETE /contacts/{id} removes the contact with its tasks, notes and events", async () => {
    const res = await call("DELETE", contactPath());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ succeded: true });
    expect((await call("GET", contactPath())).status).toBe(404);
    expect(sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID)).toEqual([]);
    expect(sb.store.notes(DEMO_LOCATION_ID, DEMO_CONTACT_ID)).toEqual([]);
    expect(sb.store.events(DEMO_LOCATION_ID, DEMO_CONTACT_ID)).toEqual([]);
    expect((await call("DELETE", contactPath())).status).toBe(404);
  });
});

describe("GET /contacts/ (list)", () => {
  it("answers contacts, count and meta; one page when everything fits", async () => {
    const res = await call("GET", listPath());
    expect(res.status).toBe(200);
    expect(res.body.contacts).toHaveLength(12);
    expect(res.body.count).toBe(12);
    expect(res.body.meta).toEqual({
      total: 12,
      nextPageUrl: null,
      startAfterId: null,
      startAfter: null,
      currentPage: 1,
      nextPage: null,
      prevPage: null,
    });
    expect(res.body.contacts[0]).toMatchObject({ id: DEMO_CONTACT_ID, attributions: [expect.any(Object)] });
  });

  it("pages with startAfter + startAfterId in (dateAdded, id) order, breaking date ties on id", async () => {
    const expected = sb.store.contacts(DEMO_LOCATION_ID).map((c) => c.id);
    const seen: string[] = [];
    let cursor: Record<string, string> = {};
    const pages: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const res = await call("GET", listPath({ limit: "4", ...cursor }));
      expect(res.body.count).toBe(12);
      pages.push(res.body.meta.currentPage);
      seen.push(...res.body.contacts.map((c: { id: string }) => c.id));
      const { startAfter, startAfterId } = res.body.meta;
      if (startAfterId === null) break;
      expect(startAfterId).toBe(seen.at(-1));
      expect(startAfter).toBe(
        Date.parse(sb.store.getContact(DEMO_LOCATION_ID, startAfterId)?.dateAdded ?? ""),
      );
      cursor = { startAfter: String(startAfter), startAfterId };
    }
    expect(seen).toEqual(expected);
    expect(pages).toEqual([1, 2, 3]);
    // Contacts 4 and 5 of the seed share a dateAdded and fall on both sides of the first page.
    const fourth = sb.store.getContact(DEMO_LOCATION_ID, expected[3] ?? "");
    const fifth = sb.store.getContact(DEMO_LOCATION_ID, expected[4] ?? "");
    expect(fourth?.dateAdded).toBe(fifth?.dateAdded);
  });

  it("meta.nextPageUrl fetches the next page", async () => {
    const first = await call("GET", listPath({ limit: "10" }));
    const nextUrl = new URL(first.body.meta.nextPageUrl);
    expect(nextUrl.origin).toBe(sb.url);
    const next = await call("GET", `${nextUrl.pathname}${nextUrl.search}`);
    expect(next.body.contacts).toHaveLength(2);
    expect(next.body.meta).toMatchObject({ currentPage: 2, prevPage: 1, nextPage: null });
  });

  it("filters with `query` on name, email, phone and company, case-insensitively", async () => {
    const byCompany = await call("GET", listPath({ query: "BRIGHTPATH" }));
    expect(byCompany.body.count).toBe(3);
    const byName = await call("GET", listPath({ query: "schmidt" }));
    expect(byName.body.contacts.map((c: { firstName: string }) => c.firstName)).toEqual(["Hannah"]);
    const byPhone = await call("GET", listPath({ query: "(415) 555-0142" }));
    expect(byPhone.body.contacts.map((c: { id: string }) => c.id)).toEqual([DEMO_CONTACT_ID]);
  });

  it("422 for a missing locationId or a limit above 100", async () => {
    const noLocation = await call("GET", "/contacts/");
    expect(noLocation.status).toBe(422);
    expect(noLocation.body.message).toContain("locationId should not be empty");
    const tooMany = await call("GET", listPath({ limit: "101" }));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toEqual(["limit must not be greater than 100"]);
  });
});

describe("GET /contacts/business/{businessId}", () => {
  it("lists the business's contacts with skip/limit and the total count", async () => {
    const all = await call("GET", `/contacts/business/${DEMO_BUSINESS_ID}?locationId=${DEMO_LOCATION_ID}`);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(3);
    expect(all.body.contacts.every((c: { businessId: string }) => c.businessId === DEMO_BUSINESS_ID)).toBe(
      true,
    );
    const page = await call(
      "GET",
      `/contacts/business/${DEMO_BUSINESS_ID}?locationId=${DEMO_LOCATION_ID}&limit=2&skip=2`,
    );
    expect(page.body.contacts).toHaveLength(1);
    expect(page.body.count).toBe(3);
    const none = await call(
      "GET",
      `/contacts/business/aaaaaaaaaaaaaaaaaaaaaaaa?locationId=${DEMO_LOCATION_ID}`,
    );
    expect(none.body).toEqual({ contacts: [], count: 0 });
  });

  it("422 without locationId", async () => {
    const res = await call("GET", `/contacts/business/${DEMO_BUSINESS_ID}`);
    expect(res.status).toBe(422);
  });
});

describe("POST /contacts/search", () => {
  const search = (body: Record<string, unknown>, token?: string) =>
    call("POST", "/contacts/search", {
      body: { locationId: DEMO_LOCATION_ID, pageLimit: 20, ...body },
      token,
    });
  const names = (res: Answer) => res.body.contacts.map((c: { name: string }) => c.name);

  it("is a read: the read-only token may search", async () => {
    const res = await search({}, DEMO_TOKEN_READONLY);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(12);
    expect(res.body.contacts).toHaveLength(12);
  });

  it("filters on tags, dnd and lower-cased names", async () => {
    expect(names(await search({ filters: [{ field: "tags", operator: "eq", value: "VIP" }] }))).toEqual([
      "Maya Patel",
      "Priya Raman",
    ]);
    expect(names(await search({ filters: [{ field: "dnd", operator: "eq", value: true }] }))).toEqual([
      "Sofía Álvarez",
      "Lucas Martin",
    ]);
    const res = await search({ filters: [{ field: "firstNameLowerCase", operator: "eq", value: "maya" }] });
    expect(res.body.total).toBe(1);
  });

  it("combines filters with AND at the top level and nested OR groups", async () => {
    const res = await search({
      filters: [
        { field: "tags", operator: "contains", value: "news" },
        {
          group: "OR",
          filters: [
            { field: "companyName", operator: "contains", value: "bright" },
            { field: "lastNameLowerCase", operator: "eq", value: "kim" },
          ],
        },
      ],
    });
    expect(names(res)).toEqual(["Maya Patel", "Amara Nwosu", "Grace Kim"]);
  });

  it("supports exists, not_exists, not_eq and not_contains", async () => {
    expect(names(await search({ filters: [{ field: "email", operator: "not_exists" }] }))).toEqual([
      "Ahmed Hassan",
    ]);
    expect((await search({ filters: [{ field: "email", operator: "exists" }] })).body.total).toBe(11);
    expect(
      (await search({ filters: [{ field: "businessId", operator: "eq", value: DEMO_BUSINESS_ID }] })).body
        .total,
    ).toBe(3);
    expect(
      (await search({ filters: [{ field: "tags", operator: "not_eq", value: "lead" }] })).body.total,
    ).toBe(6);
    expect(
      (await search({ filters: [{ field: "tags", operator: "not_contains", value: "news" }] })).body.total,
    ).toBe(6);
  });

  it("pages with page/pageLimit and with the searchAfter cursor, and sorts", async () => {
    const third = await search({ pageLimit: 5, page: 3 });
    expect(third.body.contacts).toHaveLength(2);
    expect(third.body.total).toBe(12);

    const seen: string[] = [];
    let searchAfter: unknown;
    for (let guard = 0; guard < 10; guard++) {
      const res = await search({ pageLimit: 5, ...(searchAfter ? { searchAfter } : {}) });
      if (res.body.contacts.length === 0) break;
      seen.push(...res.body.contacts.map((c: { id: string }) => c.id));
      searchAfter = res.body.contacts.at(-1).searchAfter;
    }
    expect(seen).toEqual(sb.store.contacts(DEMO_LOCATION_ID).map((c) => c.id));

    const sorted = await search({ sort: [{ field: "firstNameLowerCase", direction: "desc" }], pageLimit: 3 });
    expect(names(sorted)).toEqual(["Sofía Álvarez", "Priya Raman", "Maya Patel"]);
  });

  it("searches free text with `query`", async () => {
    expect(names(await search({ query: "raman legal" }))).toEqual(["Priya Raman"]);
  });

  it("422 for a missing or too large pageLimit and an unknown operator", async () => {
    const missing = await call("POST", "/contacts/search", { body: { locationId: DEMO_LOCATION_ID } });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain(
      "pageLimit must be a number conforming to the specified constraints",
    );
    const big = await search({ pageLimit: 501 });
    expect(big.body.message).toEqual(["pageLimit must not be greater than 500"]);
    const op = await search({ filters: [{ field: "email", operator: "like", value: "x" }] });
    expect(op.status).toBe(422);
    expect(op.body.message[0]).toMatch(/^filters\.0\.operator must be one of the following values/);
  });
});

describe("tasks", () => {
  const tasksPath = (contactId = DEMO_CONTACT_ID) => `/contacts/${contactId}/tasks`;

  it("lists and gets a contact's tasks with TaskSchema fields", async () => {
    const list = await call("GET", tasksPath());
    expect(list.status).toBe(200);
    expect(list.body.tasks).toHaveLength(4);
    const [task] = list.body.tasks;
    expect(task).toMatchObject({ contactId: DEMO_CONTACT_ID, completed: expect.any(Boolean) });
    expect(task.id).toMatch(GHL_ID);
    expect(task.dueDate).toMatch(ISO);
    const one = await call("GET", `${tasksPath()}/${task.id}`);
    expect(one.body).toEqual({ task });
  });

  it("404 for a missing task, a task of another contact and a missing contact", async () => {
    const [task] = sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID);
    const otherContact = sb.store.contacts(DEMO_LOCATION_ID)[1]?.id;
    const missing = await call("GET", `${tasksPath()}/doesNotExist12345678`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, message: "Task not found" });
    expect((await call("GET", `${tasksPath(otherContact)}/${task?.id}`)).status).toBe(404);
    expect((await call("GET", tasksPath("doesNotExist12345678"))).body.message).toBe("Contact not found");
  });

  it("creates a task (201) with the due date normalised to ISO", async () => {
    const res = await call("POST", tasksPath(), {
      body: { title: "Call back", body: "About pricing", dueDate: "2026-05-01T09:00:00Z", completed: false },
    });
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({
      title: "Call back",
      body: "About pricing",
      dueDate: "2026-05-01T09:00:00.000Z",
      completed: false,
      contactId: DEMO_CONTACT_ID,
    });
    expect(sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID)).toHaveLength(5);
  });

  it("422 lists every broken rule of a task", async () => {
    const empty = await call("POST", tasksPath(), { body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.message).toEqual(
      expect.arrayContaining([
        "title should not be empty",
        "dueDate must be a valid ISO 8601 date string",
        "completed must be a boolean value",
      ]),
    );
    const wrong = await call("POST", tasksPath(), {
      body: { title: "x", dueDate: "tomorrow", completed: "yes" },
    });
    expect(wrong.body.message).toEqual([
      "dueDate must be a valid ISO 8601 date string",
      "completed must be a boolean value",
    ]);
  });

  it("updates a task, marks it completed and deletes it", async () => {
    const [task] = sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID);
    const path = `${tasksPath()}/${task?.id}`;
    const updated = await call("PUT", path, { body: { title: "Renamed", dueDate: "2026-06-01" } });
    expect(updated.status).toBe(200);
    expect(updated.body.task).toMatchObject({
      id: task?.id,
      title: "Renamed",
      dueDate: "2026-06-01T00:00:00.000Z",
    });

    const done = await call("PUT", `${path}/completed`, { body: { completed: true } });
    expect(done.status).toBe(200);
    expect(done.body.task.completed).toBe(true);
    const bad = await call("PUT", `${path}/completed`, { body: {} });
    expect(bad.body.message).toEqual(["completed must be a boolean value"]);

    const deleted = await call("DELETE", path);
    expect(deleted.body).toEqual({ succeded: true });
    expect((await call("GET", path)).status).toBe(404);
  });
});

describe("notes", () => {
  const notesPath = `/contacts/${DEMO_CONTACT_ID}/notes`;

  it("lists and gets notes with GetNoteSchema fields", async () => {
    const list = await call("GET", notesPath);
    expect(list.status).toBe(200);
    expect(list.body.notes).toHaveLength(3);
    const [note] = list.body.notes;
    expect(note).toMatchObject({ contactId: DEMO_CONTACT_ID, pinned: true, color: "#FFAA00" });
    expect(note.dateAdded).toMatch(ISO);
    expect((await call("GET", `${notesPath}/${note.id}`)).body).toEqual({ note });
    const missing = await call("GET", `${notesPath}/doesNotExist12345678`);
    expect(missing.body).toEqual({ statusCode: 404, message: "Note not found" });
  });

  it("creates (201), updates and deletes a note", async () => {
    const created = await call("POST", notesPath, { body: { body: "Spoke on the phone", title: "Call" } });
    expect(created.status).toBe(201);
    expect(created.body.note).toMatchObject({ body: "Spoke on the phone", title: "Call", pinned: false });
    const id = created.body.note.id;
    const updated = await call("PUT", `${notesPath}/${id}`, { body: { pinned: true, body: "Edited" } });
    expect(updated.status).toBe(200);
    expect(updated.body.note).toMatchObject({ id, pinned: true, body: "Edited" });
    expect((await call("DELETE", `${notesPath}/${id}`)).body).toEqual({ succeded: true });
    expect(sb.store.notes(DEMO_LOCATION_ID, DEMO_CONTACT_ID)).toHaveLength(3);
  });

  it("422 without a body", async () => {
    const res = await call("POST", notesPath, { body: { title: "Empty" } });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain("body should not be empty");
  });
});

describe("appointments", () => {
  it("lists a contact's events with GetEventSchema fields", async () => {
    const res = await call("GET", `/contacts/${DEMO_CONTACT_ID}/appointments`);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(2);
    for (const event of res.body.events) {
      expect(Object.keys(event)).toEqual(
        expect.arrayContaining([
          "id",
          "calendarId",
          "status",
          "title",
          "assignedUserId",
          "startTime",
          "endTime",
          "locationId",
          "contactId",
          "appointmentStatus",
          "users",
          "dateAdded",
          "dateUpdated",
        ]),
      );
      expect(event.startTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });

  it("answers an empty list for a contact without appointments, 404 for no contact", async () => {
    const grace = sb.store.contacts(DEMO_LOCATION_ID).find((c) => c.firstName === "Grace");
    expect((await call("GET", `/contacts/${grace?.id}/appointments`)).body).toEqual({ events: [] });
    expect((await call("GET", "/contacts/doesNotExist12345678/appointments")).status).toBe(404);
  });
});

describe("tags", () => {
  const tagsPath = `/contacts/${DEMO_CONTACT_ID}/tags`;

  it("adds tags trimmed, lower-cased and without duplicates (201, full list)", async () => {
    const res = await call("POST", tagsPath, { body: { tags: ["  Hot-Lead ", "VIP", "hot-lead"] } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ tags: ["customer", "vip", "newsletter", "hot-lead"] });
    expect(sb.store.getContact(DEMO_LOCATION_ID, DEMO_CONTACT_ID)?.tags).toEqual(res.body.tags);
  });

  it("removes tags case-insensitively, ignoring tags the contact lacks (200)", async () => {
    const res = await call("DELETE", tagsPath, { body: { tags: ["VIP", "never-had-it"] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tags: ["customer", "newsletter"] });
  });

  it("422 for missing, empty or non-string tags", async () => {
    expect((await call("POST", tagsPath, { body: {} })).body.message).toEqual(["tags must be an array"]);
    expect((await call("POST", tagsPath, { body: { tags: [] } })).body.message).toEqual([
      "tags should not be empty",
    ]);
    expect((await call("POST", tagsPath, { body: { tags: ["ok", 3] } })).body.message).toEqual([
      "each value in tags must be a string",
    ]);
    expect((await call("DELETE", tagsPath)).status).toBe(422);
  });

  it("401 for the read-only token", async () => {
    const res = await call("POST", tagsPath, { token: DEMO_TOKEN_READONLY, body: { tags: ["x"] } });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("The token is not authorized for this scope.");
  });
});

describe("fault injection", () => {
  it("answers an injected status once by default, then normally", async () => {
    sb.injectFault({ status: 500 });
    const failed = await call("GET", contactPath());
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ statusCode: 500, message: "Internal Server Error" });
    expect(failed.headers.get("x-ratelimit-max")).toBe("100");
    expect((await call("GET", contactPath())).status).toBe(200);
  });

  it("matches on method and path (string or RegExp) and honours `times`", async () => {
    sb.injectFault({ method: "GET", path: /\/tasks$/, status: 503, times: 2 });
    expect((await call("GET", contactPath())).status).toBe(200);
    expect((await call("POST", `${contactPath()}/tasks`, { body: {} })).status).toBe(422);
    expect((await call("GET", `${contactPath()}/tasks`)).status).toBe(503);
    expect((await call("GET", `${contactPath()}/tasks`)).status).toBe(503);
    expect((await call("GET", `${contactPath()}/tasks`)).status).toBe(200);

    sb.injectFault({ path: contactPath(), status: 502 });
    expect((await call("GET", `${contactPath()}/notes`)).status).toBe(200);
    expect((await call("GET", contactPath())).status).toBe(502);
  });

  it("sends a 429 with Remaining 0, and custom bodies and headers", async () => {
    sb.injectFault({ status: 429, headers: { "Retry-After": "2" } });
    const limited = await call("GET", contactPath());
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, message: "Too Many Requests" });
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("retry-after")).toBe("2");

    sb.injectFault({ status: 400, body: { statusCode: 400, message: "Custom" } });
    expect((await call("GET", contactPath())).body).toEqual({ statusCode: 400, message: "Custom" });
  });

  it("sends a string body verbatim, with the fault's content type", async () => {
    sb.injectFault({
      status: 502,
      body: "<html>Bad gateway</html>",
      headers: { "content-type": "text/html" },
    });
    const res = await fetch(`${sb.url}${contactPath()}`);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toBe("<html>Bad gateway</html>");
    expect(sb.requests.at(-1)?.responseBody).toBe("<html>Bad gateway</html>");
  });

  it("answers 200 with a body-only fault", async () => {
    sb.injectFault({ path: contactPath(), body: { contact: { id: DEMO_CONTACT_ID, brandNewField: 1 } } });
    const res = await call("GET", contactPath());
    expect(res.status).toBe(200);
    expect(res.body.contact.brandNewField).toBe(1);
  });

  it("delays and then answers normally when no status is given", async () => {
    sb.injectFault({ delayMs: 150 });
    const started = Date.now();
    const res = await call("GET", contactPath());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
    expect(res.body.contact.id).toBe(DEMO_CONTACT_ID);
  });

  it("clearFaults() drops pending faults", async () => {
    sb.injectFault({ status: 500, times: 5 });
    sb.clearFaults();
    expect((await call("GET", contactPath())).status).toBe(200);
  });

  it("close() does not wait for a delayed answer", async () => {
    const slow = await startSandbox();
    slow.injectFault({ delayMs: 10_000 });
    const pending = call("GET", contactPath(), {}, slow).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await slow.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  const tasksPath = `${contactPath()}/tasks`;
  const newTask = { title: "Fault probe", dueDate: "2026-12-24T15:00:00Z", completed: false };
  const taskCount = () => sb.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID).length;

  it('reset "before" drops the connection without processing the request', async () => {
    const before = taskCount();
    sb.injectFault({ method: "POST", path: tasksPath, reset: "before" });
    await expect(call("POST", tasksPath, { body: newTask })).rejects.toThrow();
    expect(taskCount()).toBe(before);
    expect(sb.requests.at(-1)).toMatchObject({ method: "POST", reset: "before", status: 0 });
    expect(sb.requests.at(-1)?.clientClosed).toBeUndefined();
  });

  it('reset "after" processes the request (the store changes), then drops the connection', async () => {
    const before = taskCount();
    sb.injectFault({ method: "POST", path: tasksPath, reset: "after" });
    await expect(call("POST", tasksPath, { body: newTask })).rejects.toThrow();
    expect(taskCount()).toBe(before + 1);
    expect(sb.requests.at(-1)).toMatchObject({ reset: "after", status: 201 });
    expect((await call("POST", tasksPath, { body: newTask })).status).toBe(201);
  });

  it("`malformed` processes the request and sends its answer cut short", async () => {
    const before = taskCount();
    sb.injectFault({ method: "POST", path: tasksPath, malformed: true });
    const res = await fetch(`${sb.url}${tasksPath}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${DEMO_TOKEN_WRITE}`,
        Version: "2021-07-28",
        "Content-Type": "application/json",
      },
      body: JSON.stringify(newTask),
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(JSON.stringify(sb.requests.at(-1)?.responseBody).startsWith(text)).toBe(true);
    expect(sb.requests.at(-1)?.malformed).toBe(true);
    expect(taskCount()).toBe(before + 1);
  });

  it("a 429 with rateLimitHeaders: false carries no X-RateLimit-* header", async () => {
    sb.injectFault({ status: 429, rateLimitHeaders: false });
    const res = await call("GET", contactPath());
    expect(res.status).toBe(429);
    expect([...res.headers.keys()].filter((name) => name.startsWith("x-ratelimit"))).toEqual([]);
  });

  it("a `probability` fault applies to each matching request by chance, without a count", async () => {
    const dice = await startSandbox({ random: () => 0.5 });
    try {
      dice.injectFault({ method: "GET", status: 503, probability: 0.4 });
      expect((await call("GET", contactPath(), {}, dice)).status).toBe(200);
      dice.clearFaults();
      dice.injectFault({ method: "GET", status: 503, probability: 0.6 });
      for (let i = 0; i < 3; i++) expect((await call("GET", contactPath(), {}, dice)).status).toBe(503);
      expect((await call("PUT", contactPath(), { body: { city: "Oakland" } }, dice)).status).toBe(200);
    } finally {
      await dice.close();
    }
  });

  it("takes faults at start (GHL_SANDBOX_FAULTS in --sandbox mode)", async () => {
    const faulty = await startSandbox({
      faults: parseFaults('{"pathPattern":"/notes$","status":502,"times":2}'),
    });
    try {
      const notes = `${contactPath()}/notes`;
      expect((await call("GET", notes, {}, faulty)).status).toBe(502);
      expect((await call("GET", notes, {}, faulty)).status).toBe(502);
      expect((await call("GET", notes, {}, faulty)).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });

  it("parseFaults reads one fault or a list, and names what is wrong", () => {
    expect(parseFaults('[{"method":"POST","reset":"after"},{"malformed":true,"probability":0.1}]')).toEqual([
      { method: "POST", reset: "after" },
      { malformed: true, probability: 0.1 },
    ]);
    expect(() => parseFaults("{")).toThrow("is not JSON");
    expect(() => parseFaults('{"status":99}')).toThrow(/^fault 0\.status: /);
    expect(() => parseFaults('{"colour":"red"}')).toThrow(/^fault 0: .*colour/);
    expect(() => parseFaults('{"pathPattern":"("}')).toThrow('pathPattern "(" is not a regular expression');
  });
});

describe("rate limits", () => {
  it("counts per location and answers 429 when the burst budget is spent", async () => {
    const limited = await startSandbox({ tokens: TOKENS, rateLimit: { max: 3, intervalMs: 60_000 } });
    try {
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await call("GET", contactPath(), {}, limited);
        expect(res.status).toBe(200);
        remaining.push(res.headers.get("x-ratelimit-remaining"));
      }
      expect(remaining).toEqual(["2", "1", "0"]);
      const refused = await call("GET", contactPath(), {}, limited);
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ statusCode: 429, message: "Too Many Requests" });
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("x-ratelimit-max")).toBe("3");
      expect(refused.headers.get("x-ratelimit-interval-milliseconds")).toBe("60000");

      // Another location has its own budget.
      expect(
        (await call("GET", `/contacts/?locationId=${OTHER_LOCATION_ID}`, { token: OTHER_TOKEN }, limited))
          .status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("lets requests through again once the interval has passed", async () => {
    const limited = await startSandbox({ rateLimit: { max: 1, intervalMs: 100 } });
    try {
      expect((await call("GET", contactPath(), {}, limited)).status).toBe(200);
      expect((await call("GET", contactPath(), {}, limited)).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await call("GET", contactPath(), {}, limited)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("enforces the daily budget", async () => {
    const limited = await startSandbox({ rateLimit: { max: 100, intervalMs: 10_000, daily: 2 } });
    try {
      const first = await call("GET", contactPath(), {}, limited);
      expect(first.headers.get("x-ratelimit-limit-daily")).toBe("2");
      expect(first.headers.get("x-ratelimit-daily-remaining")).toBe("1");
      await call("GET", contactPath(), {}, limited);
      const refused = await call("GET", contactPath(), {}, limited);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-ratelimit-daily-remaining")).toBe("0");
    } finally {
      await limited.close();
    }
  });
});

describe("request recording", () => {
  it("records every request in order with the token redacted", async () => {
    await call("GET", listPath({ limit: "2" }));
    await call("POST", `${contactPath()}/tags`, { body: { tags: ["x"] } });
    await call("GET", contactPath(), { token: "pit-wrong" });

    expect(sb.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/contacts/", 200],
      ["POST", `${contactPath()}/tags`, 201],
      ["GET", contactPath(), 401],
    ]);
    const [list, tags, denied] = sb.requests;
    expect(list?.query).toEqual({ locationId: DEMO_LOCATION_ID, limit: "2" });
    expect(list?.body).toBeUndefined();
    expect(list?.locationId).toBe(DEMO_LOCATION_ID);
    expect(tags?.body).toEqual({ tags: ["x"] });
    expect(tags?.responseBody).toEqual({ tags: ["customer", "vip", "newsletter", "x"] });
    expect(tags?.headers.authorization).toBe("Bearer <redacted>");
    expect(tags?.headers.version).toBe("2021-07-28");
    expect(tags?.headers["content-type"]).toBe("application/json");
    expect(denied?.locationId).toBeUndefined();
    expect(denied?.headers.authorization).toBe("Bearer <redacted>");
    expect(JSON.stringify(sb.requests)).not.toContain(DEMO_TOKEN_WRITE);
    expect(JSON.stringify(sb.requests)).not.toContain("pit-wrong");

    sb.resetRequests();
    expect(sb.requests).toEqual([]);
  });

  it("keeps the recorded response as it was sent, even after later changes", async () => {
    await call("GET", contactPath());
    await call("PUT", contactPath(), { body: { city: "Oakland" } });
    const first = sb.requests[0]?.responseBody as { contact: { city: string } } | undefined;
    expect(first?.contact.city).toBe("San Francisco");
  });
});
