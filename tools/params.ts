/** Parameter schemas shared by many tools, defined once so their rules and wording agree. */
import { z } from "zod";

/**
 * GHL ids are short alphanumeric strings. Anything that could change the request path
 * ('/', '..', '?', '#', whitespace) is refused before a request is made.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const idRule = "a GHL id: 1-64 letters, digits, '-' or '_'";

export const ghlId = (what: string) =>
  z
    .string()
    .regex(ID_PATTERN, { message: `must be ${idRule}` })
    .describe(`${what} (${idRule.slice(2)})`);

export const contactId = ghlId("Contact id");
export const taskId = ghlId("Task id");
export const noteId = ghlId("Note id");
export const locationId = ghlId(
  "Sub-account (location) id; defaults to the configured GHL_LOCATION_ID",
).optional();

export const isoDateTime = (what: string) =>
  z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-12-24T15:00:00Z" })
    .describe(`${what}, ISO 8601 date-time with Z or offset`);

export const tagList = z
  .array(z.string().trim().min(1, { message: "tags cannot be empty strings" }).max(100))
  .min(1, { message: "give at least one tag" })
  .max(100)
  .describe("Tag names (GHL compares tags case-insensitively)");

/** Every delete answers the same; GHL's wire spelling `succeded` is normalised by the client. */
export const deletedOut = z.object({ succeeded: z.boolean().describe("true when GHL deleted it") });
