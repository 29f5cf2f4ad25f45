import { z } from "zod";
import { contactSchema } from "../src/ghl/schemas.js";
import { advertiseAs } from "../src/registry.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool, requireLocation, ToolInputError } from "../src/tool.js";
import { CREATE, DELETE, READ, UPDATE } from "./annotations.js";
import { contactId, deletedOut, email, ghlId, isoDate, locationId, tagList } from "./params.js";

const contactOut = z.object({ contact: contactSchema });

export const getContact = defineTool({
  name: "get_contact",
  title: "Get contact",
  description:
    "Get a contact by id with all its fields (tags, custom fields, DND). Find ids with search_contacts.",
  toolset: "contacts",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId }),
  output: contactOut,
  annotations: READ,
  handler: ({ contactId }, { ghl }) => ghl.getContact(contactId),
});

const nextPageCursor = z
  .object({ startAfter: z.number(), startAfterId: z.string() })
  .nullable()
  .describe("Pass both values back to get the next page; null on the last page");

export const listContacts = defineTool({
  name: "list_contacts",
  title: "List contacts",
  description:
    "List contacts oldest first, a page at a time, optionally matching text. For filters use search_contacts.",
  toolset: "contacts",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({
    query: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe("Text to match in name, email, phone or company"),
    limit: z.number().int().min(1).max(100).default(20).describe("Contacts per page, 1-100"),
    startAfter: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("From nextPage: epoch ms of the last contact"),
    startAfterId: ghlId("From nextPage: id of the last contact").optional(),
    locationId,
  }),
  output: z.object({
    contacts: z.array(contactSchema),
    count: z.number().describe("Total contacts matching"),
    nextPage: nextPageCursor,
  }),
  annotations: READ,
  async handler(args, ctx) {
    if ((args.startAfter === undefined) !== (args.startAfterId === undefined)) {
      throw new ToolInputError("Pass `startAfter` and `startAfterId` together, as returned in `nextPage`.");
    }
    const page = await ctx.ghl.listContacts({
      locationId: requireLocation(args, ctx),
      query: args.query,
      limit: args.limit,
      startAfter: args.startAfter,
      startAfterId: args.startAfterId,
    });
    const contacts = page.contacts ?? [];
    const count = page.count ?? page.meta?.total ?? contacts.length;
    return { contacts, count, nextPage: nextCursor(contacts, page.meta, args.limit) };
  },
});

/** GHL pages by the last contact's (dateAdded, id); its meta says so, older answers may not. */
function nextCursor(
  contacts: Array<{ id: string; dateAdded?: string | null | undefined }>,
  meta: { startAfter?: number | null; startAfterId?: string | null } | undefined,
  limit: number,
) {
  if (contacts.length < limit) return null;
  if (meta?.startAfter != null && meta.startAfterId) {
    return { startAfter: meta.startAfter, startAfterId: meta.startAfterId };
  }
  const last = contacts[contacts.length - 1];
  const ms = last?.dateAdded ? Date.parse(last.dateAdded) : Number.NaN;
  return last && Number.isFinite(ms) ? { startAfter: ms, startAfterId: last.id } : null;
}

const OPERATORS = ["eq", "not_eq", "contains", "not_contains", "exists", "not_exists", "range"] as const;
const filterValue = z.union([
  z.string().max(75),
  z.number(),
  z.boolean(),
  z.array(z.string().max(75)).max(50),
  z.strictObject({ gt: z.unknown(), gte: z.unknown(), lt: z.unknown(), lte: z.unknown() }).partial(),
]);
const fieldName = z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, { message: "must be a GHL field name" });
const condition = z.strictObject({
  field: fieldName,
  operator: z.enum(OPERATORS),
  value: filterValue.optional(),
});
const filterList = z
  .array(
    z.union([
      condition,
      z.strictObject({ group: z.enum(["AND", "OR"]), filters: z.array(condition).min(1).max(20) }),
    ]),
  )
  .max(20);

export const searchContacts = defineTool({
  name: "search_contacts",
  title: "Search contacts",
  description:
    "Find contacts by text and/or field filters (tag, email, DND, owner). The index may lag writes by seconds.",
  toolset: "contacts",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({
    query: z.string().trim().min(1).max(75).optional().describe("Free text: name, email, phone, company"),
    // Validated in full; advertised in one sentence (the union spelled out twice cost 2 KB).
    filters: advertiseAs(filterList, {
      type: "array",
      items: { type: "object" },
      description:
        "All must match. {field, operator, value}: field e.g. email, tags, dnd, companyName, assignedTo, " +
        `dateAdded; operator ${OPERATORS.join(", ")} (range: value {gte,lte}). ` +
        "Or {group: 'OR', filters: [...]}.",
    }).optional(),
    sort: z
      .array(
        z.strictObject({
          field: fieldName,
          direction: z.enum(["asc", "desc"]),
        }),
      )
      .max(3)
      .optional()
      .describe("Sort order, e.g. [{field: 'dateAdded', direction: 'desc'}]"),
    pageLimit: z.number().int().min(1).max(100).default(20).describe("Contacts per page, 1-100"),
    page: z.number().int().min(1).default(1).describe("Page number from 1"),
    locationId,
  }),
  output: z.object({
    contacts: z.array(contactSchema),
    total: z.number().describe("Total contacts matching"),
    nextPage: z.number().nullable().describe("Page to ask for next; null on the last page"),
  }),
  annotations: READ,
  async handler(args, ctx) {
    const result = await ctx.ghl.searchContacts({
      locationId: requireLocation(args, ctx),
      pageLimit: args.pageLimit,
      page: args.page,
      query: args.query,
      filters: args.filters,
      sort: args.sort,
    });
    const contacts = result.contacts ?? [];
    const total = result.total ?? contacts.length;
    const more = args.page * args.pageLimit < total && contacts.length > 0;
    return { contacts, total, nextPage: more ? args.page + 1 : null };
  },
});

export const listBusinessContacts = defineTool({
  name: "list_business_contacts",
  title: "List a business's contacts",
  description: "List the contacts linked to one business (company record) by its businessId.",
  toolset: "contacts",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({
    businessId: ghlId("Business id"),
    query: z.string().trim().min(1).max(100).optional().describe("Text to match in the contacts"),
    limit: z.number().int().min(1).max(100).default(25).describe("Contacts per page, 1-100"),
    skip: z.number().int().min(0).default(0).describe("Contacts to skip, for paging"),
    locationId,
  }),
  output: z.object({ contacts: z.array(contactSchema), count: z.number().describe("Total contacts") }),
  annotations: READ,
  async handler(args, ctx) {
    const result = await ctx.ghl.listBusinessContacts(args.businessId, {
      locationId: requireLocation(args, ctx),
      limit: args.limit,
      skip: args.skip,
      query: args.query,
    });
    const contacts = result.contacts ?? [];
    return { contacts, count: result.count ?? contacts.length };
  },
});

// GHL's write DTOs require the custom field's id (its key alone is not accepted).
const customFieldInput = z.strictObject({
  id: ghlId("Custom field id"),
  value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string())]),
});

/** Lengths are checked but not advertised: a maxLength on every field costs more than it tells. */
const text = (max: number, description: string) =>
  z
    .string()
    .trim()
    .refine((v) => v.length <= max, { message: `must be at most ${max} characters` })
    .optional()
    .describe(description);

/** Contact fields an agent may set; the same rules for create, update and sync_contact. */
export const contactFields = {
  firstName: text(100, "First name"),
  lastName: text(100, "Last name"),
  name: text(200, "Full name"),
  email: email.optional().describe("Email"),
  phone: z
    .string()
    .refine((v) => /^\+?[0-9][0-9 ().-]{4,24}$/.test(v), {
      message: "must be a phone number, e.g. +14155550123",
    })
    .optional()
    .describe("Phone, E.164"),
  companyName: text(200, "Company"),
  address1: text(300, "Street address"),
  city: text(100, "City"),
  state: text(100, "State or region"),
  postalCode: text(20, "Postal code"),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: "must be a 2-letter country code, e.g. US" })
    .optional()
    .describe("Country code, e.g. US"),
  website: z.url({ message: "must be a URL" }).optional().describe("Website URL"),
  timezone: text(64, "IANA time zone"),
  dnd: z.boolean().optional().describe("Do not disturb"),
  source: text(100, "Lead source"),
  dateOfBirth: isoDate.optional().describe("Birth date YYYY-MM-DD"),
  assignedTo: ghlId("Owner user id").optional(),
  customFields: advertiseAs(z.array(customFieldInput).max(100), {
    type: "array",
    items: { type: "object" },
    description: "Custom fields [{id, value}]",
  }).optional(),
};

/** Our custom field shape ({id, value}) mirrors what GHL returns; GHL writes want field_value. */
export function toGhlContact<T extends { customFields?: Array<{ id: string; value: unknown }> }>(fields: T) {
  const { customFields, ...rest } = fields;
  return customFields
    ? { ...rest, customFields: customFields.map(({ id, value }) => ({ id, field_value: value })) }
    : rest;
}

export const createContact = defineTool({
  name: "create_contact",
  title: "Create contact",
  description: "Create a contact; give a name, email or phone. GHL refuses a duplicate email: search first.",
  toolset: "contacts",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z
    .strictObject({ ...contactFields, tags: tagList.optional(), locationId })
    .refine((c) => c.firstName || c.lastName || c.name || c.email || c.phone, {
      message: "give at least one of firstName, lastName, name, email or phone",
    }),
  output: contactOut,
  annotations: CREATE,
  async handler(args, ctx) {
    const { locationId: _ignored, ...fields } = args;
    return ctx.ghl.createContact({ ...toGhlContact(fields), locationId: requireLocation(args, ctx) });
  },
});

export const updateContact = defineTool({
  name: "update_contact",
  title: "Update contact",
  description:
    "Change a contact's fields; others stay. Tags: set_contact_tags. Fields, tags, tasks and notes at once: sync_contact.",
  toolset: "contacts",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z
    .strictObject({ contactId, ...contactFields })
    .refine((c) => Object.keys(c).length > 1, { message: "give at least one field to change" }),
  output: contactOut,
  annotations: UPDATE,
  async handler({ contactId, ...fields }, { ghl }) {
    const { contact } = await ghl.updateContact(contactId, toGhlContact(fields));
    return { contact };
  },
});

export const deleteContact = defineTool({
  name: "delete_contact",
  title: "Delete contact",
  description: "Delete a contact with its tasks and notes. Cannot be undone.",
  toolset: "contacts",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId }),
  output: deletedOut,
  annotations: DELETE,
  handler: ({ contactId }, { ghl }) => ghl.deleteContact(contactId),
});
