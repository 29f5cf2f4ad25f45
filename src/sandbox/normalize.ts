// How GHL canonicalises contact fields on write, shared by the handlers and the seed so that
// demo data looks exactly like data created through the API.

import type { ContactRecord } from "./types.js";

/** GHL stores tags trimmed and lower-cased, without duplicates or empty strings. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const t = tag.trim().toLowerCase();
    if (t !== "" && !out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * GHL stores phones in E.164: "+1 888-888-8888" becomes "+18888888888". A bare 10-digit number
 * gets the US prefix, as a US location would. Returns undefined when it cannot be a phone number.
 */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (raw.trim().startsWith("+")) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  return `+${digits}`;
}

/**
 * Recomputes the derived name fields (name, *LowerCase) from firstName/lastName, as GHL does on
 * every write; search filters such as `firstNameLowerCase` rely on them.
 */
export function deriveNameFields(contact: ContactRecord): void {
  const parts = [contact.firstName, contact.lastName].filter((p): p is string => !!p && p.trim() !== "");
  const full = parts.join(" ");
  contact.name = full === "" ? undefined : full;
  contact.firstNameLowerCase = contact.firstName?.toLowerCase();
  contact.lastNameLowerCase = contact.lastName?.toLowerCase();
  contact.fullNameLowerCase = full === "" ? undefined : full.toLowerCase();
  contact.emailLowerCase = contact.email?.toLowerCase();
}

/** Splits a single `name` into first and last name, the way GHL fills both from `name` alone. */
export function splitName(name: string): { firstName?: string; lastName?: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  return { firstName: first, lastName: rest.length > 0 ? rest.join(" ") : undefined };
}
