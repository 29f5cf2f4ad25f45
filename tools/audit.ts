import { z } from "zod";
import { CONTACTS_READ } from "../src/scopes.js";
import { defineTool, ToolInputError } from "../src/tool.js";
import { READ } from "./annotations.js";
import { contactId, isoDateTime } from "./params.js";

// Declares only what every record has: each field of the schema is paid in every tools/list,
// and the records themselves carry the rest (the format is in the README).
const auditRecord = z.looseObject({
  time: z.string(),
  tool: z.string(),
  outcome: z.looseObject({ ok: z.boolean() }),
});

/** Long texts (note bodies) are cut in the answer, not in the file: 50 records must stay readable. */
const MAX_TEXT = 500;

export const readAuditLog = defineTool({
  name: "read_audit_log",
  title: "Read audit log",
  description:
    "Writes this server sent to GHL, newest first: time, tool, caller, ids, fields before/after, outcome. " +
    "Use it to see who changed a contact, task or note, and when.",
  toolset: "audit",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({
    contactId: contactId.optional(),
    tool: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a tool name, e.g. update_contact" })
      .optional()
      .describe("Only writes by this tool"),
    since: isoDateTime("Only writes at or after this time").optional(),
    until: isoDateTime("Only writes at or before this time").optional(),
    limit: z.number().int().min(1).max(500).default(50).describe("Most records to return, 1-500"),
  }),
  output: z.object({
    auditing: z.boolean().describe("false: the audit log is off"),
    records: z.array(auditRecord),
    message: z.string().optional(),
  }),
  annotations: READ,
  async handler(args, ctx) {
    if (!ctx.audit.file) {
      return {
        auditing: false,
        records: [],
        message:
          "The audit log is off on this server (GHL_AUDIT_FILE=off, or --sandbox without GHL_AUDIT_FILE).",
      };
    }
    const since = args.since ? new Date(args.since) : undefined;
    const until = args.until ? new Date(args.until) : undefined;
    if (since && until && since > until) throw new ToolInputError("`since` must not be after `until`.");
    const records = await ctx.audit.query({
      contactId: args.contactId,
      tool: args.tool,
      since,
      until,
      limit: args.limit,
      // Over HTTP each tenant or key sees its own writes only; over stdio the log is the user's own.
      caller: ctx.caller === "stdio" ? undefined : ctx.caller,
    });
    return { auditing: true, records: records.map((r) => shortenTexts(r) as z.input<typeof auditRecord>) };
  },
});

function shortenTexts(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length > MAX_TEXT
      ? `${value.slice(0, MAX_TEXT)}… (${value.length - MAX_TEXT} more characters)`
      : value;
  }
  if (Array.isArray(value)) return value.map(shortenTexts);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenTexts(v)]));
  }
  return value;
}
