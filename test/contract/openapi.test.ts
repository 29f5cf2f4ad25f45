import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type ContractIssue, loadContract, SPEC_ERRATA, specDir } from "./openapi.js";

const dir = specDir();
const contract = loadContract(dir);
if (contract === null) {
  console.warn(
    `[contract] OpenAPI spec not found at ${join(dir, "contacts.json")}: skipping the OpenAPI contract checker ` +
      "tests. Set GHL_OPENAPI_DIR to the folder holding HighLevel's contacts.json to run them.",
  );
}

const VERSION = "2021-07-28";
const AUTH = { Version: VERSION, Authorization: "Bearer test-token" };
const JSON_HEADERS = { ...AUTH, "Content-Type": "application/json" };

/** Assert helper: an issue list mentions `text` (in where or message) somewhere. */
function mentions(issues: ContractIssue[], text: string): boolean {
  return issues.some((i) => i.where.includes(text) || i.message.includes(text));
}

// A GET /contacts/{contactId} body assembled from the spec's own examples (GetContectByIdSchema et al.).
function sampleContact(): Record<string, unknown> {
  return {
    id: "seD4PfOuKoVMLkEZqohJ",
    name: "rubika deo",
    locationId: "ve9EPM428h8vShlRW1KT",
    firstName: "rubika",
    lastName: "Deo",
    email: "rubika@deos.com",
    emailLowerCase: "rubika@deos.com",
    timezone: "Asia/Calcutta",
    companyName: "DGS VolMAX",
    phone: "+18832327657",
    dnd: true,
    dndSettings: {
      Call: { status: "active", message: "This number is blocked", code: "BL001" },
      Email: { status: "inactive" },
    },
    type: "read",
    source: "public api",
    assignedTo: "ve9EPM428h8vShlRW1KT",
    address1: "3535 1st St N",
    city: "ruDolomitebika",
    state: "AL",
    country: "US",
    postalCode: "35061",
    website: "https://www.tesla.com",
    tags: ["nisi sint commodo amet", "consequat"],
    dateOfBirth: "1990-09-25",
    dateAdded: "2021-07-02T05:18:26.704Z",
    dateUpdated: "2021-07-02T05:18:26.704Z",
    firstNameLowerCase: "rubika",
    fullNameLowerCase: "rubika deo",
    lastNameLowerCase: "deo",
    lastActivity: "2021-07-16T11:39:30.564Z",
    customFields: [{ id: "MgobCB14YMVKuE4Ka8p1", value: "name" }],
    businessId: "641c094001436dbc2081e642",
    attributionSource: {
      url: "Trigger Link",
      campaign: null,
      referrer: "https: //www.google.com",
      medium: "survey",
      mediumId: "FglfHAn30PRwsZVyQlKp",
    },
    visitorId: "ve9EPM428h8vShlRW1KT",
  };
}

describe("loadContract / specDir", () => {
  const saved = process.env.GHL_OPENAPI_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.GHL_OPENAPI_DIR;
    else process.env.GHL_OPENAPI_DIR = saved;
  });

  it("returns null when the spec folder is absent", () => {
    expect(loadContract("/nonexistent")).toBeNull();
  });

  it("resolves the spec folder from GHL_OPENAPI_DIR, else ../shared/ghl-openapi beside the project", () => {
    process.env.GHL_OPENAPI_DIR = "/some/where/specs";
    expect(specDir()).toBe("/some/where/specs");
    delete process.env.GHL_OPENAPI_DIR;
    const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
    expect(specDir()).toBe(resolve(projectRoot, "..", "shared", "ghl-openapi"));
  });

  it.skipIf(contract === null)(
    "throws a clear error when contacts.json is present but its shared schemas are not",
    () => {
      const broken = mkdtempSync(join(tmpdir(), "ghl-openapi-"));
      try {
        copyFileSync(join(dir, "contacts.json"), join(broken, "contacts.json"));
        expect(() => loadContract(broken)).toThrow(/common-schemas\.json/);
      } finally {
        rmSync(broken, { recursive: true, force: true });
      }
    },
  );
});

describe.skipIf(contract === null)("OpenAPI contract checker (HighLevel contacts.json)", () => {
  // Inside skipIf the contract is present; the assertion keeps the types honest.
  const c = contract as NonNullable<typeof contract>;

  describe("operations and path matching", () => {
    it("lists every operation of the spec once", () => {
      const ops = c.operations();
      expect(ops).toHaveLength(32); // pinned upstream snapshot, see the spec folder's README
      expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
      expect(ops).toContainEqual({
        method: "GET",
        template: "/contacts/{contactId}",
        operationId: "get-contact",
      });
      expect(ops).toContainEqual({ method: "POST", template: "/contacts/", operationId: "create-contact" });
    });

    it.each([
      ["POST", "/contacts/search", "search-contacts-advanced", "/contacts/search"],
      ["GET", "/contacts/search/duplicate", "get-duplicate-contact", "/contacts/search/duplicate"],
      ["GET", "/contacts/abc123", "get-contact", "/contacts/{contactId}"],
      ["GET", "/contacts/abc123/tasks/xyz", "get-task", "/contacts/{contactId}/tasks/{taskId}"],
      [
        "PUT",
        "/contacts/abc123/tasks/xyz/completed",
        "update-task-completed",
        "/contacts/{contactId}/tasks/{taskId}/completed",
      ],
      ["GET", "/contacts/business/biz1", "get-contacts-by-businessId", "/contacts/business/{businessId}"],
      [
        "DELETE",
        "/contacts/abc/campaigns/removeAll",
        "remove-contact-from-every-campaign",
        "/contacts/{contactId}/campaigns/removeAll",
      ],
      [
        "DELETE",
        "/contacts/abc/campaigns/camp1",
        "remove-contact-from-campaign",
        "/contacts/{contactId}/campaigns/{campaignId}",
      ],
      ["POST", "/contacts/bulk/tags/update/add", "create-association", "/contacts/bulk/tags/update/{type}"],
      ["GET", "/contacts/", "get-contacts", "/contacts/"],
      ["GET", "/contacts", "get-contacts", "/contacts/"],
      ["POST", "/contacts", "create-contact", "/contacts/"],
      [
        "post",
        "https://services.leadconnectorhq.com/contacts/upsert?x=1",
        "upsert-contact",
        "/contacts/upsert",
      ],
    ])("%s %s -> %s", (method, path, operationId, template) => {
      expect(c.findOperation(method, path)).toMatchObject({ operationId, template });
    });

    it("routes per method: GET /contacts/search is getContact, as GHL's router would", () => {
      expect(c.findOperation("GET", "/contacts/search")?.operationId).toBe("get-contact");
    });

    it("reports scopes, and none for the bulk endpoints that declare no security", () => {
      expect(c.findOperation("GET", "/contacts/x")?.scopes).toEqual(["contacts.readonly"]);
      expect(c.findOperation("DELETE", "/contacts/x/tags")?.scopes).toEqual(["contacts.write"]);
      expect(c.findOperation("POST", "/contacts/bulk/business")?.scopes).toEqual([]);
    });

    it.each([
      ["PATCH", "/contacts/abc"],
      ["GET", "/contacts/abc/"],
      ["GET", "/contacts//tasks"],
      ["GET", "/contacts/abc/unknown"],
      ["GET", "/opportunities/abc"],
    ])("no operation for %s %s", (method, path) => {
      expect(c.findOperation(method, path)).toBeNull();
      const issues = c.checkRequest({ method, path, query: {}, headers: AUTH, body: undefined });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.where).toBe("operation");
    });
  });

  describe("checkRequest", () => {
    const createTask = (body: unknown, headers: Record<string, string | undefined> = JSON_HEADERS) =>
      c.checkRequest({
        method: "POST",
        path: "/contacts/sx6wyHhbFdRXh302LLNR/tasks",
        query: {},
        headers,
        body,
      });
    // CreateTaskParams example from the spec.
    const task = {
      title: "First Task",
      body: "loram ipsum",
      dueDate: "2020-10-25T11:00:00Z",
      completed: true,
    };

    it("accepts a create-task request built from the spec example", () => {
      expect(createTask(task)).toEqual([]);
      expect(createTask({ ...task, assignedTo: "hxHGVRb1YJUscrCB8eXK", extra: 1 })).toEqual([]);
    });

    it("rejects a create-task request missing title", () => {
      const { title: _omit, ...rest } = task;
      const issues = createTask(rest);
      expect(issues).toEqual([{ where: "body", message: 'missing required property "title"' }]);
    });

    it("rejects wrongly typed body fields", () => {
      expect(createTask({ ...task, completed: "true" })).toEqual([
        { where: "body/completed", message: 'must be boolean (got string "true")' },
      ]);
    });

    it("rejects a missing body and a non-JSON content type", () => {
      expect(mentions(createTask(undefined), "missing required request body")).toBe(true);
      expect(
        mentions(createTask(task, { ...AUTH, "Content-Type": "text/plain" }), "header.Content-Type"),
      ).toBe(true);
      expect(mentions(createTask(task, AUTH), "missing Content-Type")).toBe(true);
    });

    it("requires the Version header with its enum value, case-insensitively", () => {
      expect(createTask(task, { ...JSON_HEADERS, Version: undefined })).toEqual([
        { where: "header.Version", message: 'missing required header parameter "Version"' },
      ]);
      expect(mentions(createTask(task, { ...JSON_HEADERS, Version: "2021-04-15" }), "header.Version")).toBe(
        true,
      );
      const lower = {
        version: VERSION,
        authorization: "Bearer t",
        "content-type": "application/json; charset=utf-8",
      };
      expect(createTask(task, lower)).toEqual([]);
    });

    it("requires a bearer Authorization header where the spec declares security", () => {
      expect(createTask(task, { ...JSON_HEADERS, Authorization: undefined })).toEqual([
        { where: "header.Authorization", message: "missing Authorization header" },
      ]);
      expect(mentions(createTask(task, { ...JSON_HEADERS, Authorization: "Basic abc" }), "Bearer")).toBe(
        true,
      );
      // The bulk endpoints declare no security, so only a malformed header is an issue there.
      const bulk = { locationId: "l1", ids: ["c1"], businessId: "b1" };
      const bulkHeaders = { Version: VERSION, "Content-Type": "application/json" };
      expect(
        c.checkRequest({
          method: "POST",
          path: "/contacts/bulk/business",
          query: {},
          headers: bulkHeaders,
          body: bulk,
        }),
      ).toEqual([]);
    });

    it("coerces query strings to the declared types before checking", () => {
      const list = (query: Record<string, string>) =>
        c.checkRequest({ method: "GET", path: "/contacts/", query, headers: AUTH, body: undefined });
      expect(list({ locationId: "ve9EPM428h8vShlRW1KT", limit: "20", startAfter: "1603870249758" })).toEqual(
        [],
      );
      expect(list({ locationId: "ve9EPM428h8vShlRW1KT", limit: "twenty" })).toEqual([
        { where: "query.limit", message: 'must be number (got string "twenty")' },
      ]);
      expect(list({ limit: "20" })).toEqual([
        { where: "query.locationId", message: 'missing required query parameter "locationId"' },
      ]);
      expect(mentions(list({ locationId: "l", page: "2" }), "query.page")).toBe(true);
      // get-contacts-by-businessId declares limit as a *string* ("25"), so any string passes.
      const byBusiness = c.checkRequest({
        method: "GET",
        path: "/contacts/business/b1",
        query: { locationId: "l", limit: "10", skip: "0" },
        headers: AUTH,
        body: undefined,
      });
      expect(byBusiness).toEqual([]);
    });

    it("only checks that an empty-object body schema (SearchBodyV2DTO) gets an object", () => {
      const search = (body: unknown) =>
        c.checkRequest({ method: "POST", path: "/contacts/search", query: {}, headers: JSON_HEADERS, body });
      expect(
        search({ locationId: "l", pageLimit: 20, filters: [{ field: "tags", operator: "eq", value: "x" }] }),
      ).toEqual([]);
      expect(mentions(search([1, 2]), "must be object")).toBe(true);
      expect(mentions(search("query"), "must be object")).toBe(true);
    });

    it("rejects a body on an operation without one, and accepts DELETE bodies the spec declares", () => {
      const get = c.checkRequest({
        method: "GET",
        path: "/contacts/x",
        query: {},
        headers: AUTH,
        body: { a: 1 },
      });
      expect(mentions(get, "declares no request body")).toBe(true);
      const removeTags = (body: unknown) =>
        c.checkRequest({
          method: "DELETE",
          path: "/contacts/x/tags",
          query: {},
          headers: JSON_HEADERS,
          body,
        });
      expect(removeTags({ tags: ["minim", "velit magna"] })).toEqual([]);
      expect(mentions(removeTags({ tags: "minim" }), "body/tags")).toBe(true);
    });

    it("accepts nullable fields as null and validates custom field variants (anyOf)", () => {
      const create = (body: unknown) =>
        c.checkRequest({ method: "POST", path: "/contacts", query: {}, headers: JSON_HEADERS, body });
      const ok = {
        locationId: "ve9EPM428h8vShlRW1KT",
        firstName: null,
        email: null,
        dateOfBirth: "1990-09-25",
        customFields: [
          { id: "6dvNaf7VhkQ9snc5vnjJ", field_value: "9039160788" },
          { id: "6dvNaf7VhkQ9snc5vnjJ", field_value: ["test", "test2"] },
          { id: "6dvNaf7VhkQ9snc5vnjJ", field_value: 100.5 },
        ],
      };
      expect(create(ok)).toEqual([]);
      expect(
        mentions(create({ ...ok, locationId: undefined }), 'missing required property "locationId"'),
      ).toBe(true);
      expect(mentions(create({ ...ok, postalCode: null }), "body/postalCode")).toBe(true); // not nullable
      const noId = create({ ...ok, customFields: [{ key: "my_custom_field", field_value: "x" }] });
      expect(noId).toHaveLength(1);
      expect(noId[0]?.where).toBe("body/customFields/0");
      expect(noId[0]?.message).toContain('missing required property "id"');
    });
  });

  describe("checkResponse", () => {
    const getContact = (body: unknown, status = 200) =>
      c.checkResponse({ method: "GET", path: "/contacts/seD4PfOuKoVMLkEZqohJ", status, body });

    it("accepts a GET /contacts/{id} response built from the spec examples, extra properties included", () => {
      expect(getContact({ contact: sampleContact() })).toEqual([]);
      expect(getContact({ contact: { ...sampleContact(), notInTheSpec: { any: 1 } }, traceId: "t" })).toEqual(
        [],
      );
    });

    it("rejects contact.tags as a string", () => {
      expect(getContact({ contact: { ...sampleContact(), tags: "vip" } })).toEqual([
        { where: "body/contact/tags", message: 'must be array (got string "vip")' },
      ]);
    });

    it("rejects other drift: wrong types, nulls where not nullable, missing required nested properties", () => {
      expect(
        mentions(getContact({ contact: { ...sampleContact(), dnd: "false" } }), "body/contact/dnd"),
      ).toBe(true);
      expect(
        mentions(getContact({ contact: { ...sampleContact(), email: null } }), "body/contact/email"),
      ).toBe(true);
      const badDnd = { ...sampleContact(), dndSettings: { SMS: { message: "x" } } };
      expect(getContact({ contact: badDnd })).toEqual([
        { where: "body/contact/dndSettings/SMS", message: 'missing required property "status"' },
      ]);
      const badStatus = { ...sampleContact(), dndSettings: { SMS: { status: "on" } } };
      expect(mentions(getContact({ contact: badStatus }), "must be one of")).toBe(true);
      expect(mentions(getContact([]), "must be object")).toBe(true);
    });

    it("validates 422 bodies against UnprocessableDTO: message is an array of strings", () => {
      const unprocessable = {
        statusCode: 422,
        message: ["Unprocessable Entity"],
        error: "Unprocessable Entity",
      };
      expect(getContact(unprocessable, 422)).toEqual([]);
      expect(getContact({ ...unprocessable, message: "Unprocessable Entity" }, 422)).toEqual([
        { where: "body/message", message: 'must be array (got string "Unprocessable Entity")' },
      ]);
    });

    it("validates 400 / 401 against the shared common-schemas DTOs", () => {
      expect(getContact({ statusCode: 400, message: "Bad Request" }, 400)).toEqual([]);
      expect(
        mentions(getContact({ statusCode: "400", message: "Bad Request" }, 400), "body/statusCode"),
      ).toBe(true);
      expect(getContact({ statusCode: 401, message: "Invalid token", error: "Unauthorized" }, 401)).toEqual(
        [],
      );
    });

    it("flags statuses the operation does not document", () => {
      const issues = getContact({ contact: sampleContact() }, 201);
      expect(issues).toHaveLength(1);
      expect(issues[0]?.where).toBe("status");
      expect(issues[0]?.message).toContain("201");
      // The bulk endpoints document no 401.
      const bulk = c.checkResponse({
        method: "POST",
        path: "/contacts/bulk/business",
        status: 401,
        body: {},
      });
      expect(bulk[0]?.where).toBe("status");
    });

    it("checks 403 / 404 / 429 / 5xx, which the v2 spec never documents, against error shapes", () => {
      expect(getContact({ statusCode: 404, message: "Contact not found" }, 404)).toEqual([]);
      expect(getContact({ statusCode: 403, message: "Forbidden", error: "Forbidden" }, 403)).toEqual([]);
      expect(mentions(getContact({ statusCode: 404, message: 404 }, 404), "body/message")).toBe(true);
      expect(getContact({ statusCode: 429, message: "Too Many Requests" }, 429)).toEqual([]);
      expect(getContact({ statusCode: 500, message: ["Internal server error"] }, 500)).toEqual([]);
      expect(mentions(getContact({ error: "boom" }, 503), 'missing required property "statusCode"')).toBe(
        true,
      );
    });

    it("enforces required top-level keys where the spec marks them (bulk tags: succeded)", () => {
      const bulkTags = (body: unknown) =>
        c.checkResponse({ method: "POST", path: "/contacts/bulk/tags/update/add", status: 201, body });
      const responses = [{ contactId: "qFSqySFkVvNzOSqgGqFi", message: "Tags updated", type: "success" }];
      expect(bulkTags({ succeded: true, errorCount: 0, responses })).toEqual([]);
      expect(bulkTags({ succeeded: true, errorCount: 0, responses })).toEqual([
        { where: "body", message: 'missing required property "succeded"' },
      ]);
    });

    it("requireTopLevel: also demands every documented top-level property", () => {
      const del = (body: unknown, requireTopLevel: boolean) =>
        c.checkResponse({ method: "DELETE", path: "/contacts/x", status: 200, body }, { requireTopLevel });
      // The spec marks nothing required in DeleteContactsSuccessfulResponseDto, so plain mode accepts the typo.
      expect(del({ succeeded: true }, false)).toEqual([]);
      expect(del({ succeeded: true }, true)).toEqual([
        { where: "body", message: 'missing documented top-level property "succeded"' },
      ]);
      expect(del({ succeded: true }, true)).toEqual([]);
      expect(getContact({ data: sampleContact() })).toEqual([]);
      expect(
        c.checkResponse(
          { method: "GET", path: "/contacts/x", status: 200, body: { data: {} } },
          { requireTopLevel: true },
        ),
      ).toEqual([{ where: "body", message: 'missing documented top-level property "contact"' }]);
    });

    it("accepts anything where the spec documents a status without a schema (search 200)", () => {
      expect(
        c.checkResponse({ method: "POST", path: "/contacts/search", status: 200, body: { contacts: [] } }),
      ).toEqual([]);
    });
  });

  describe("spec errata", () => {
    it("widen only what the spec contradicts, and can be turned off", () => {
      const raw = loadContract(dir, { errata: false });
      expect(raw).not.toBeNull();
      const multiValue = { contact: { ...sampleContact(), customFields: [{ id: "f1", value: ["a", "b"] }] } };
      const check = (k: NonNullable<typeof raw>) =>
        k.checkResponse({ method: "GET", path: "/contacts/x", status: 200, body: multiValue });
      expect(check(c)).toEqual([]);
      expect(mentions(check(raw as NonNullable<typeof raw>), "body/contact/customFields/0/value")).toBe(true);
      expect(SPEC_ERRATA.length).toBeGreaterThan(0);
    });
  });

  describe("every documented schema accepts an instance assembled from the spec's own examples", () => {
    type Node = Record<string, unknown>;
    // Describe bodies are collected even when skipped: read the raw spec only when it exists.
    const readSpec = (...parts: string[]): Node =>
      contract === null ? { paths: {} } : (JSON.parse(readFileSync(join(dir, ...parts), "utf8")) as Node);
    const spec = readSpec("contacts.json");
    const common = readSpec("common", "common-schemas.json");
    const resolveRef = (ref: string): Node => {
      const [file, pointer = ""] = ref.split("#");
      let node: unknown = file ? common : spec;
      for (const key of pointer.split("/").filter(Boolean)) node = (node as Node)[key];
      return node as Node;
    };
    const exampleOf = (schema: Node, depth = 0): unknown => {
      if (depth > 12) return undefined;
      if (typeof schema.$ref === "string") return exampleOf(resolveRef(schema.$ref), depth + 1);
      if ("example" in schema) return schema.example;
      if (Array.isArray(schema.enum)) return schema.enum[0];
      const alternatives = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
      if (alternatives?.[0]) return exampleOf(alternatives[0], depth + 1);
      if (schema.type === "array") return schema.items ? [exampleOf(schema.items as Node, depth + 1)] : [];
      if (schema.type === "object" || schema.properties) {
        const out: Node = {};
        for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) {
          const value = exampleOf(v, depth + 1);
          if (value !== undefined) out[k] = value;
        }
        return out;
      }
      return { string: "text", number: 1, integer: 1, boolean: true }[String(schema.type)];
    };

    // Examples that contradict their own schema upstream and are not patched as errata (kept strict).
    const KNOWN_BAD_EXAMPLES = new Set([
      "get-contacts 200 body/contacts/0/followers",
      "get-contacts-by-businessId 200 body/contacts/0/followers",
    ]);

    const cases: Array<[string, string, string, Node]> = [];
    for (const [template, item] of Object.entries(spec.paths as Record<string, Record<string, Node>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, Node>)) {
          const schema = (response.content as Record<string, Node> | undefined)?.["application/json"]?.schema;
          if (schema) cases.push([`${String(op.operationId)} ${status}`, method, template, schema as Node]);
        }
      }
    }

    it.each(cases)("%s", (name, method, template, schema) => {
      const [, status] = name.split(" ");
      const path = template.replace(/\{[^}]+\}/g, "id1");
      const issues = c
        .checkResponse({ method, path, status: Number(status), body: exampleOf(schema) })
        .filter((i) => !KNOWN_BAD_EXAMPLES.has(`${name} ${i.where}`));
      expect(issues).toEqual([]);
    });

    it("the known contradictory examples really are rejected (the checker is not vacuous)", () => {
      const listSchema = resolveRef("#/components/schemas/ContactsSearchSuccessfulResponseDto");
      const issues = c.checkResponse({
        method: "GET",
        path: "/contacts/",
        status: 200,
        body: exampleOf(listSchema),
      });
      expect(issues.map((i) => i.where)).toEqual(["body/contacts/0/followers"]);
    });
  });
});
