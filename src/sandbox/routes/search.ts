// POST /contacts/search. The spec leaves the body empty (SearchBodyV2DTO has no properties);
// the shape here follows GHL's Search Contacts doc (ghl-api-notes.md §2.5): pageLimit ≤ 500,
// page or searchAfter paging, AND-ed filters with nested AND/OR groups, sort, and a
// `searchAfter` cursor on each returned contact.

import { checkLocation, type Reply, type RequestContext, type Route } from "../router.js";
import type { ContactRecord } from "../types.js";
import { asBody, type Body, Validator } from "../validate.js";
import { listItem, matchesQuery } from "./contacts.js";

const SEARCH_FIELDS = ["locationId", "page", "pageLimit", "query", "filters", "sort", "searchAfter"];
const OPERATORS = ["eq", "not_eq", "contains", "not_contains", "exists", "not_exists", "range"] as const;
type Operator = (typeof OPERATORS)[number];

type Filter =
  | { field: string; operator: Operator; value: unknown }
  | { group: "AND" | "OR"; filters: Filter[] };

interface SortKey {
  field: string;
  direction: "asc" | "desc";
}

// Filter field names that differ from the stored record's property names.
const FIELD_ALIASES: Record<string, keyof ContactRecord> = {
  email: "emailLowerCase",
  firstName: "firstNameLowerCase",
  lastName: "lastNameLowerCase",
  name: "fullNameLowerCase",
  contactName: "fullNameLowerCase",
};

function fieldValue(contact: ContactRecord, field: string): unknown {
  // customFields.<id> reads one custom field's value.
  if (field.startsWith("customFields.")) {
    const id = field.slice("customFields.".length);
    return contact.customFields.find((f) => f.id === id)?.value;
  }
  const key = FIELD_ALIASES[field] ?? field;
  return (contact as unknown as Record<string, unknown>)[key];
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)
  );
}

function lower(value: unknown): string {
  return String(value).toLowerCase();
}

/** eq on a string is case-insensitive; on an array field (tags) it means "has this element". */
function equals(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return expected.some((e) => equals(actual, e));
  if (Array.isArray(actual)) return actual.some((a) => equals(a, expected));
  if (typeof actual === "boolean") return actual === (expected === true || expected === "true");
  if (typeof actual === "number") return actual === Number(expected);
  return actual !== undefined && actual !== null && lower(actual) === lower(expected);
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((a) => contains(a, expected));
  return typeof actual === "string" && actual.toLowerCase().includes(lower(expected));
}

/** range compares dates (dateAdded, dateUpdated, …) as timestamps and numbers as numbers. */
function inRange(actual: unknown, bounds: unknown): boolean {
  if (isEmpty(actual) || typeof bounds !== "object" || bounds === null) return false;
  const toNumber = (v: unknown) => (typeof v === "number" ? v : Date.parse(String(v)));
  const a = toNumber(actual);
  const b = bounds as Record<string, unknown>;
  if (b.gt !== undefined && !(a > toNumber(b.gt))) return false;
  if (b.gte !== undefined && !(a >= toNumber(b.gte))) return false;
  if (b.lt !== undefined && !(a < toNumber(b.lt))) return false;
  if (b.lte !== undefined && !(a <= toNumber(b.lte))) return false;
  return true;
}

function matches(contact: ContactRecord, filter: Filter): boolean {
  if ("group" in filter) {
    return filter.group === "OR"
      ? filter.filters.some((f) => matches(contact, f))
      : filter.filters.every((f) => matches(contact, f));
  }
  const actual = fieldValue(contact, filter.field);
  switch (filter.operator) {
    case "eq":
      return equals(actual, filter.value);
    case "not_eq":
      return !equals(actual, filter.value);
    case "contains":
      return contains(actual, filter.value);
    case "not_contains":
      return !contains(actual, filter.value);
    case "exists":
      return !isEmpty(actual);
    case "not_exists":
      return isEmpty(actual);
    case "range":
      return inRange(actual, filter.value);
  }
}

/** Checks the filter tree, reporting class-validator-style paths ("filters.1.operator"). */
function parseFilters(v: Validator, raw: unknown, path: string): Filter[] {
  if (!Array.isArray(raw)) {
    v.fail(`${path} must be an array`);
    return [];
  }
  return raw.flatMap((item: unknown, i): Filter[] => {
    const at = `${path}.${i}`;
    const f = (typeof item === "object" && item !== null ? item : {}) as Body;
    if ("group" in f) {
      if (f.group !== "AND" && f.group !== "OR") {
        v.fail(`${at}.group must be one of the following values: AND, OR`);
        return [];
      }
      return [{ group: f.group, filters: parseFilters(v, f.filters, `${at}.filters`) }];
    }
    if (typeof f.field !== "string" || f.field === "") {
      v.fail(`${at}.field must be a string`);
      return [];
    }
    if (!OPERATORS.includes(f.operator as Operator)) {
      v.fail(`${at}.operator must be one of the following values: ${OPERATORS.join(", ")}`);
      return [];
    }
    const operator = f.operator as Operator;
    if (operator !== "exists" && operator !== "not_exists" && f.value === undefined) {
      v.fail(`${at}.value should not be empty`);
      return [];
    }
    if (typeof f.value === "string" && f.value.length > 75) {
      v.fail(`${at}.value must be shorter than or equal to 75 characters`);
      return [];
    }
    return [{ field: f.field, operator, value: f.value }];
  });
}

function parseSort(v: Validator, raw: unknown): SortKey[] {
  if (raw === undefined) return [{ field: "dateAdded", direction: "asc" }];
  if (!Array.isArray(raw)) {
    v.fail("sort must be an array");
    return [];
  }
  return raw.flatMap((item: unknown, i): SortKey[] => {
    const s = (typeof item === "object" && item !== null ? item : {}) as Body;
    if (typeof s.field !== "string" || s.field === "") {
      v.fail(`sort.${i}.field must be a string`);
      return [];
    }
    if (s.direction !== "asc" && s.direction !== "desc") {
      v.fail(`sort.${i}.direction must be one of the following values: asc, desc`);
      return [];
    }
    return [{ field: s.field, direction: s.direction }];
  });
}

/** A contact's sort position: its sort values, then its id (the tie-breaker). */
function sortKey(contact: ContactRecord, sort: SortKey[]): (string | number | null)[] {
  const values = sort.map(({ field }) => {
    const value = fieldValue(contact, field);
    if (value === undefined || value === null) return null;
    if (typeof value === "number") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
    // Dates sort as timestamps, which is also how they appear in the cursor.
    if (field.startsWith("date") || field === "lastActivity") return Date.parse(String(value));
    return lower(value);
  });
  return [...values, contact.id];
}

function compareKeys(a: readonly unknown[], b: readonly unknown[], sort: SortKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    // Missing values sort last whatever the direction.
    if (x === null) return 1;
    if (y === null) return -1;
    const order = x < y ? -1 : 1;
    return sort[i]?.direction === "desc" ? -order : order;
  }
  return 0;
}

function searchContacts(ctx: RequestContext): Reply {
  const body = asBody(ctx.body);
  checkLocation(ctx, body.locationId);
  const v = new Validator(body).whitelist(SEARCH_FIELDS);
  v.string("locationId", { required: true });
  const pageLimit = v.number("pageLimit", { required: true, min: 1, max: 500 });
  const page = v.number("page", { min: 1 }) ?? 1;
  const query = v.string("query");
  if (query && query.length > 75) v.fail("query must be shorter than or equal to 75 characters");
  const filters = body.filters === undefined ? [] : parseFilters(v, body.filters, "filters");
  const sort = parseSort(v, body.sort);
  const searchAfter = body.searchAfter;
  if (searchAfter !== undefined && !Array.isArray(searchAfter)) v.fail("searchAfter must be an array");
  v.throwIfInvalid();

  const matching = ctx.store
    .contacts(ctx.locationId)
    .filter((c) => matchesQuery(c, query ?? undefined) && filters.every((f) => matches(c, f)))
    .map((contact) => ({ contact, key: sortKey(contact, sort) }))
    .sort((a, b) => compareKeys(a.key, b.key, sort));

  const limit = pageLimit ?? 1;
  const pageItems = Array.isArray(searchAfter)
    ? matching.filter((m) => compareKeys(m.key, searchAfter, sort) > 0).slice(0, limit)
    : matching.slice((page - 1) * limit, page * limit);
  return {
    status: 200,
    body: {
      contacts: pageItems.map(({ contact, key }) => ({ ...listItem(contact), searchAfter: key })),
      total: matching.length,
    },
  };
}

export const searchRoutes: Route[] = [
  { method: "POST", path: "/contacts/search", scope: "contacts.readonly", handler: searchContacts },
];
