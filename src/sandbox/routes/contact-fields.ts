// Reading a CreateContactDto / UpdateContactDto into a patch, and applying it. Validation runs
// over the whole body first so that a 422 leaves the contact untouched.

import { badRequest } from "../errors.js";
import { deriveNameFields, normalizePhone, normalizeTags, splitName } from "../normalize.js";
import type { SandboxStore } from "../store.js";
import type { ContactRecord, CustomFieldValue, DndChannel, DndSettings } from "../types.js";
import type { Body, Validator } from "../validate.js";

/** Optional string fields stored as sent; null (or "") clears them, as @IsOptional lets null through. */
const PLAIN_STRING_FIELDS = [
  "firstName",
  "lastName",
  "address1",
  "city",
  "state",
  "postalCode",
  "website",
  "timezone",
  "source",
  "country",
  "companyName",
  "assignedTo",
  "gender",
] as const;
type PlainStringField = (typeof PLAIN_STRING_FIELDS)[number];

const OTHER_FIELDS = [
  "name",
  "email",
  "phone",
  "dnd",
  "dndSettings",
  "inboundDndSettings",
  "tags",
  "customFields",
  "dateOfBirth",
] as const;

/** CreateContactDto's properties. */
export const CREATE_CONTACT_FIELDS: readonly string[] = [
  "locationId",
  ...PLAIN_STRING_FIELDS,
  ...OTHER_FIELDS,
];
/**
 * UpdateContactDto's properties. The spec's DTO lacks companyName and gender, which create
 * accepts; the sandbox accepts them on update too rather than refuse a plausible request.
 */
export const UPDATE_CONTACT_FIELDS: readonly string[] = [...PLAIN_STRING_FIELDS, ...OTHER_FIELDS];

const DND_CHANNELS: readonly DndChannel[] = ["Call", "Email", "SMS", "WhatsApp", "GMB", "FB"];
const DND_STATUSES = ["active", "inactive", "permanent"];

export interface ContactPatch {
  strings: Partial<Record<PlainStringField, string | null>>;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  dateOfBirth?: string | null;
  dnd?: boolean;
  dndSettings?: DndSettings;
  inboundDndSettings?: ContactRecord["inboundDndSettings"];
  tags?: string[];
  customFields?: CustomFieldValue[];
}

export function parseContactPatch(v: Validator): ContactPatch {
  const patch: ContactPatch = { strings: {} };
  for (const field of PLAIN_STRING_FIELDS) {
    const value = v.string(field, { nullable: true });
    if (value !== undefined) patch.strings[field] = value;
  }
  patch.name = v.string("name", { nullable: true });
  patch.email = v.email("email", { nullable: true });

  const phone = v.string("phone", { nullable: true });
  if (typeof phone === "string" && phone.trim() !== "") {
    patch.phone = normalizePhone(phone);
    if (patch.phone === undefined) v.fail("phone must be a valid phone number");
  } else if (phone !== undefined) {
    patch.phone = null;
  }

  patch.dateOfBirth = parseDateOfBirth(v);
  patch.dnd = v.boolean("dnd");
  patch.dndSettings = parseDndSettings(v);
  const inbound = v.object("inboundDndSettings");
  if (inbound) patch.inboundDndSettings = inbound as ContactRecord["inboundDndSettings"];
  const tags = v.stringArray("tags");
  if (tags) patch.tags = normalizeTags(tags);
  patch.customFields = parseCustomFields(v);
  return patch;
}

// The formats the spec lists for dateOfBirth; GHL stores midnight UTC of that day.
const DOB_YEAR_FIRST = /^(\d{4})([/\-._])(\d{2})\2(\d{2})$/;
const DOB_YEAR_LAST = /^(\d{2})([/\-._])(\d{2})\2(\d{4})$/;

function parseDateOfBirth(v: Validator): string | null | undefined {
  const raw = v.body.dateOfBirth;
  if (raw === undefined || raw === null) return raw;
  let ymd: [string, string, string] | undefined;
  if (typeof raw === "string") {
    const first = DOB_YEAR_FIRST.exec(raw);
    const last = DOB_YEAR_LAST.exec(raw);
    if (first) ymd = [first[1] ?? "", first[3] ?? "", first[4] ?? ""];
    else if (last) ymd = [last[4] ?? "", last[1] ?? "", last[3] ?? ""];
    else if (/^\d{4}-\d{2}-\d{2}T/.test(raw)) ymd = [raw.slice(0, 4), raw.slice(5, 7), raw.slice(8, 10)];
  }
  const iso = ymd ? `${ymd[0]}-${ymd[1]}-${ymd[2]}T00:00:00.000Z` : "";
  if (!ymd || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString() !== iso) {
    v.fail("dateOfBirth must be a valid date");
    return undefined;
  }
  return iso;
}

function parseDndSettings(v: Validator): DndSettings | undefined {
  const raw = v.object("dndSettings");
  if (!raw) return undefined;
  const settings: DndSettings = {};
  for (const [channel, value] of Object.entries(raw)) {
    const setting = value as Body | null;
    if (!DND_CHANNELS.includes(channel as DndChannel)) {
      v.fail(`dndSettings.property ${channel} should not exist`);
    } else if (
      typeof setting !== "object" ||
      setting === null ||
      !DND_STATUSES.includes(String(setting.status))
    ) {
      v.fail(`dndSettings.${channel}.status must be one of the following values: ${DND_STATUSES.join(", ")}`);
    } else {
      settings[channel as DndChannel] = setting as unknown as DndSettings[DndChannel];
    }
  }
  return settings;
}

/** The write shape `{id | key, field_value}` becomes the read shape `{id, value}`. */
function parseCustomFields(v: Validator): CustomFieldValue[] | undefined {
  const raw = v.body.customFields;
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    v.fail("customFields must be an array");
    return undefined;
  }
  const fields: CustomFieldValue[] = [];
  raw.forEach((item: unknown, i) => {
    const field = (typeof item === "object" && item !== null ? item : {}) as Body;
    const id = typeof field.id === "string" && field.id !== "" ? field.id : field.key;
    if (typeof id !== "string" || id === "") {
      v.fail(`customFields.${i}.id must be a string`);
      return;
    }
    // Older integrations send `value`; GHL still accepts it.
    fields.push({ id, value: "field_value" in field ? field.field_value : field.value });
  });
  return fields;
}

/** 400 when another contact of the location already has this email (duplicates not allowed). */
export function ensureUniqueEmail(
  store: SandboxStore,
  locationId: string,
  email: unknown,
  selfId?: string,
): void {
  if (typeof email !== "string") return;
  const lower = email.toLowerCase();
  const other = store.contacts(locationId).find((c) => c.emailLowerCase === lower && c.id !== selfId);
  if (other) {
    throw badRequest("This location does not allow duplicated contacts.", {
      meta: { contactId: other.id, matchingField: "email" },
    });
  }
}

export function applyContactPatch(contact: ContactRecord, patch: ContactPatch, now: string): void {
  for (const field of PLAIN_STRING_FIELDS) {
    const value = patch.strings[field];
    if (value !== undefined) contact[field] = value === null || value === "" ? undefined : value;
  }
  // `name` alone fills first and last name; explicit first/last names win over it.
  if (
    typeof patch.name === "string" &&
    patch.strings.firstName === undefined &&
    patch.strings.lastName === undefined
  ) {
    const { firstName, lastName } = splitName(patch.name);
    contact.firstName = firstName;
    contact.lastName = lastName;
  }
  if (patch.email !== undefined) contact.email = patch.email ?? undefined;
  if (patch.phone !== undefined) contact.phone = patch.phone ?? undefined;
  if (patch.dateOfBirth !== undefined) contact.dateOfBirth = patch.dateOfBirth ?? undefined;
  if (patch.dnd !== undefined) contact.dnd = patch.dnd;
  if (patch.dndSettings) contact.dndSettings = { ...contact.dndSettings, ...patch.dndSettings };
  if (patch.inboundDndSettings) contact.inboundDndSettings = patch.inboundDndSettings;
  // `tags` overwrites all tags (UpdateContactDto's own description says so).
  if (patch.tags) contact.tags = patch.tags;
  // Custom fields merge by id: a field not sent keeps its value.
  if (patch.customFields) {
    for (const field of patch.customFields) {
      const existing = contact.customFields.find((f) => f.id === field.id);
      if (existing) existing.value = field.value;
      else contact.customFields.push(field);
    }
  }
  deriveNameFields(contact);
  contact.dateUpdated = now;
}
