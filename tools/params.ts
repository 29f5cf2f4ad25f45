/** Parameter schemas shared by many tools, defined once so their rules and wording agree. */
import { z } from "zod";
import { advertiseAs } from "../src/registry.js";

/**
 * GHL ids are short alphanumeric strings. Anything that could change the request path
 * ('/', '..', '?', '#', whitespace) is refused before a request is made.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checked in full, advertised as a plain string: the pattern in ~40 places cost 1.5 KB of tools/list. */
export const ghlId = (what: string) =>
  z
    .string()
    .refine((value) => ID_PATTERN.test(value), {
      message: "must be a GHL id: 1-64 letters, digits, '-' or '_'",
    })
    .describe(what);

export const contactId = ghlId("Contact id");
export const taskId = ghlId("Task id");
export const noteId = ghlId("Note id");
export const locationId = ghlId("Sub-account id; default GHL_LOCATION_ID").optional();

/**
 * A string zod checks fully but advertises by its JSON Schema `format` alone: zod's own
 * patterns for emails and dates run to hundreds of bytes in every agent's tools/list.
 */
function formatted(format: string, check: z.ZodType, message: string) {
  return z
    .string()
    .refine((value) => check.safeParse(value).success, { message })
    .meta({ format });
}

export const email = formatted("email", z.email(), "must be an email address");
export const isoDate = formatted("date", z.iso.date(), "must be a date YYYY-MM-DD");
export const isoDateTime = (what: string) =>
  formatted(
    "date-time",
    z.iso.datetime({ offset: true }),
    "must be an ISO 8601 date-time, e.g. 2026-12-24T15:00:00Z",
  ).describe(`${what}, ISO 8601 with Z or offset`);

export const tagList = advertiseAs(
  z
    .array(z.string().trim().min(1, { message: "tags cannot be empty strings" }).max(100))
    .min(1, { message: "give at least one tag" })
    .max(100),
  { type: "array", items: { type: "string" }, minItems: 1, description: "Tags (case-insensitive)" },
);

/** Every delete answers the same; GHL's wire spelling `succeded` is normalised by the client. */
export const deletedOut = z.object({ succeeded: z.boolean().describe("true when GHL deleted it") });
