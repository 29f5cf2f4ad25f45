// Contacts: get, list (deprecated GET /contacts/), by business, create, update, delete.

import { checkLocation, type Reply, type RequestContext, type Route, requireContact } from "../router.js";
import { newId } from "../store.js";
import type { ContactRecord } from "../types.js";
import { asBody, queryNumber, Validator } from "../validate.js";
import {
  applyContactPatch,
  CREATE_CONTACT_FIELDS,
  ensureUniqueEmail,
  parseContactPatch,
  UPDATE_CONTACT_FIELDS,
} from "./contact-fields.js";

/** Case-insensitive substring match on name, email, phone and company, like GHL's `query`. */
export function matchesQuery(contact: ContactRecord, query: string | undefined): boolean {
  const q = query?.trim().toLowerCase();
  if (!q) return true;
  const haystack = [contact.fullNameLowerCase, contact.emailLowerCase, contact.phone, contact.companyName];
  if (haystack.some((s) => s?.toLowerCase().includes(q))) return true;
  // "(415) 555-0142" should find "+14155550142".
  const digits = q.replace(/\D/g, "");
  return digits.length >= 3 && /^[\d\s()+.-]+$/.test(q) && !!contact.phone?.includes(digits);
}

/**
 * List items follow ContactsSearchSchema, which has `attributions` (an array) where the
 * single-contact schema has `attributionSource`; the other contact fields come along, as in
 * real responses.
 */
export function listItem(contact: ContactRecord): Record<string, unknown> {
  return { ...contact, attributions: contact.attributionSource ? [contact.attributionSource] : [] };
}

/** A requested locationId: required (422), and it must be the token's (403). */
function requireLocationId(ctx: RequestContext, v: Validator, locationId: unknown): void {
  checkLocation(ctx, locationId);
  if (typeof locationId !== "string" || locationId === "") {
    v.fail("locationId should not be empty");
    v.fail("locationId must be a string");
  }
}

function getContact(ctx: RequestContext): Reply {
  return { status: 200, body: { contact: requireContact(ctx) } };
}

/** GET /contacts/: cursor pagination over (dateAdded, id) with startAfter + startAfterId. */
function listContacts(ctx: RequestContext): Reply {
  const v = new Validator({});
  requireLocationId(ctx, v, ctx.query.locationId);
  const limit = queryNumber(v, ctx.query, "limit", { min: 1, max: 100, fallback: 20 });
  const startAfter = ctx.query.startAfter ? Number(ctx.query.startAfter) : undefined;
  if (startAfter !== undefined && !Number.isFinite(startAfter)) {
    v.fail("startAfter must be a number conforming to the specified constraints");
  }
  v.throwIfInvalid();

  const matching = ctx.store.contacts(ctx.locationId).filter((c) => matchesQuery(c, ctx.query.query));
  const startAfterId = ctx.query.startAfterId || undefined;
  // With only an id, the cursor time is that contact's own dateAdded.
  const cursorTime =
    startAfter ??
    (startAfterId ? dateOf(ctx.store.getContact(ctx.locationId, startAfterId)?.dateAdded) : undefined);
  const rest =
    cursorTime === undefined
      ? matching
      : matching.filter((c) => {
          const t = Date.parse(c.dateAdded);
          return t > cursorTime || (t === cursorTime && startAfterId !== undefined && c.id > startAfterId);
        });

  const page = rest.slice(0, limit);
  const more = rest.length > limit;
  const last = page.at(-1);
  const currentPage = Math.floor((matching.length - rest.length) / limit) + 1;
  let nextPageUrl: string | null = null;
  if (more && last) {
    const next = new URLSearchParams({ locationId: ctx.locationId });
    if (ctx.query.query) next.set("query", ctx.query.query);
    if (ctx.query.limit) next.set("limit", String(limit));
    next.set("startAfter", String(Date.parse(last.dateAdded)));
    next.set("startAfterId", last.id);
    nextPageUrl = `${ctx.baseUrl}/contacts/?${next.toString()}`;
  }
  return {
    status: 200,
    body: {
      contacts: page.map(listItem),
      count: matching.length,
      meta: {
        total: matching.length,
        nextPageUrl,
        startAfterId: more && last ? last.id : null,
        startAfter: more && last ? Date.parse(last.dateAdded) : null,
        currentPage,
        nextPage: more ? currentPage + 1 : null,
        prevPage: currentPage > 1 ? currentPage - 1 : null,
      },
    },
  };
}

function dateOf(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}

/** GET /contacts/business/{businessId}: skip/limit paging, both sent as strings. */
function contactsByBusiness(ctx: RequestContext): Reply {
  const v = new Validator({});
  requireLocationId(ctx, v, ctx.query.locationId);
  const limit = queryNumber(v, ctx.query, "limit", { min: 1, fallback: 25 });
  const skip = queryNumber(v, ctx.query, "skip", { min: 0, fallback: 0 });
  v.throwIfInvalid();
  const matching = ctx.store
    .contacts(ctx.locationId)
    .filter((c) => c.businessId === ctx.params.businessId && matchesQuery(c, ctx.query.query));
  return {
    status: 200,
    body: { contacts: matching.slice(skip, skip + limit).map(listItem), count: matching.length },
  };
}

function createContact(ctx: RequestContext): Reply {
  const body = asBody(ctx.body);
  const v = new Validator(body).whitelist(CREATE_CONTACT_FIELDS);
  requireLocationId(ctx, v, body.locationId);
  const patch = parseContactPatch(v);
  v.throwIfInvalid();
  ensureUniqueEmail(ctx.store, ctx.locationId, patch.email);

  const now = new Date().toISOString();
  const contact: ContactRecord = {
    id: newId(),
    locationId: ctx.locationId,
    dateAdded: now,
    dateUpdated: now,
    type: "lead",
    dnd: false,
    tags: [],
    customFields: [],
    followers: [],
  };
  applyContactPatch(contact, patch, now);
  ctx.store.addContact(contact);
  return { status: 201, body: { contact } };
}

function updateContact(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(UPDATE_CONTACT_FIELDS);
  const patch = parseContactPatch(v);
  v.throwIfInvalid();
  const contact = requireContact(ctx);
  ensureUniqueEmail(ctx.store, ctx.locationId, patch.email, contact.id);
  applyContactPatch(contact, patch, new Date().toISOString());
  return { status: 200, body: { succeded: true, contact } };
}

function deleteContact(ctx: RequestContext): Reply {
  const contact = requireContact(ctx);
  ctx.store.deleteContact(ctx.locationId, contact.id);
  return { status: 200, body: { succeded: true } };
}

export const contactRoutes: Route[] = [
  { method: "GET", path: "/contacts", scope: "contacts.readonly", handler: listContacts },
  { method: "POST", path: "/contacts", scope: "contacts.write", handler: createContact },
  {
    method: "GET",
    path: "/contacts/business/:businessId",
    scope: "contacts.readonly",
    handler: contactsByBusiness,
  },
  { method: "GET", path: "/contacts/:contactId", scope: "contacts.readonly", handler: getContact },
  { method: "PUT", path: "/contacts/:contactId", scope: "contacts.write", handler: updateContact },
  { method: "DELETE", path: "/contacts/:contactId", scope: "contacts.write", handler: deleteContact },
];
