/**
 * One audit record per write request to GHL: who (tool, caller, request id), what (method, path,
 * ids, fields), and how it went. Records never hold headers, so the token cannot get in; the
 * audit file also scrubs configured secrets from every line (see audit-log.ts).
 */
import type { WriteEvent } from "../ghl/client.js";
import { GhlApiError, GhlNetworkError } from "../ghl/http.js";

/** Bumped if a field changes meaning, so old files stay readable. */
export const AUDIT_FORMAT = 1;

export interface AuditIds {
  contactId?: string;
  taskId?: string;
  noteId?: string;
}

export interface AuditOutcome {
  ok: boolean;
  /** GHL's HTTP status; absent when no answer came (timeout, connection failure). */
  status?: number;
  error?: string;
  /** For a failure without an answer: false only when the request provably never left. */
  sent?: boolean;
  /** Requests sent for this write when the client retried it. */
  attempts?: number;
}

export interface FieldChange {
  /** Present when the tool read the record first (ghl.withBefore); null means "was not set". */
  before?: unknown;
  after: unknown;
}

export interface AuditRecord {
  v: typeof AUDIT_FORMAT;
  time: string;
  requestId: string;
  tool: string;
  caller: string;
  method: string;
  path: string;
  ids: AuditIds;
  outcome: AuditOutcome;
  /** Updates (PUT): every field sent, with its value before when known. */
  changes?: Record<string, FieldChange>;
  /** Creates and tag changes (POST / DELETE with a body): the fields sent. */
  sent?: Record<string, unknown>;
  /** For those, the sent fields' values before, when known. */
  before?: Record<string, unknown>;
  ms: number;
}

/** Which tool call made the write. */
export interface CallIdentity {
  tool: string;
  requestId: string;
  caller: string;
}

export function buildAuditRecord(write: WriteEvent, call: CallIdentity, now = new Date()): AuditRecord {
  const record: AuditRecord = {
    v: AUDIT_FORMAT,
    time: now.toISOString(),
    requestId: call.requestId,
    tool: call.tool,
    caller: call.caller,
    method: write.method,
    path: write.path,
    ids: idsOf(write),
    outcome: outcomeOf(write),
    ms: Math.round(write.durationMs),
  };
  const body = isPlainObject(write.body) ? write.body : undefined;
  if (body && write.method === "PUT") {
    record.changes = changesOf(body, write.before);
  } else if (body) {
    record.sent = body;
    if (write.before) record.before = pick(write.before, Object.keys(body));
  }
  return record;
}

// /contacts/{contactId}[/tasks/{taskId}|/notes/{noteId}][/...]; "/contacts/" (create) has none.
const PATH_IDS = /^\/contacts\/([^/]+)(?:\/(tasks|notes)\/([^/]+))?/;

/** Ids from the path, completed from GHL's answer (a create learns its new id there). */
function idsOf(write: WriteEvent): AuditIds {
  const ids: AuditIds = {};
  const match = PATH_IDS.exec(write.path);
  if (match?.[1]) ids.contactId = decodeURIComponent(match[1]);
  if (match?.[2] === "tasks" && match[3]) ids.taskId = decodeURIComponent(match[3]);
  if (match?.[2] === "notes" && match[3]) ids.noteId = decodeURIComponent(match[3]);
  const data = write.response?.data as
    | { contact?: { id?: unknown }; task?: { id?: unknown }; note?: { id?: unknown } }
    | undefined;
  if (!ids.contactId && typeof data?.contact?.id === "string") ids.contactId = data.contact.id;
  if (!ids.taskId && typeof data?.task?.id === "string") ids.taskId = data.task.id;
  if (!ids.noteId && typeof data?.note?.id === "string") ids.noteId = data.note.id;
  return ids;
}

function outcomeOf(write: WriteEvent): AuditOutcome {
  if (write.response) return { ok: true, status: write.response.status };
  const error = write.error;
  if (error instanceof GhlApiError) {
    const says = error
      .messages()
      .map((m) => m.trim().slice(0, 300))
      .filter(Boolean);
    const outcome: AuditOutcome = { ok: false, status: error.status };
    outcome.error = `GHL answered ${error.status}${says.length ? `: ${says.join("; ")}` : ""}`;
    return withAttempts(outcome, error);
  }
  const outcome: AuditOutcome = { ok: false, error: (error as Error | undefined)?.message ?? String(error) };
  if (error instanceof GhlNetworkError) outcome.sent = error.sent;
  // Held back by the client's own rate limiting: GHL never saw it.
  else if ((error as Error | undefined)?.name === "GhlThrottledError") outcome.sent = false;
  return withAttempts(outcome, error);
}

/** The client retries where that is safe; an auditor should know a write took several tries. */
function withAttempts(outcome: AuditOutcome, error: unknown): AuditOutcome {
  const attempts = (error as { attempts?: unknown } | undefined)?.attempts;
  if (typeof attempts === "number" && attempts > 1) outcome.attempts = attempts;
  return outcome;
}

function changesOf(body: Record<string, unknown>, before: WriteEvent["before"]): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const [field, after] of Object.entries(body)) {
    changes[field] = before ? { before: before[field] ?? null, after } : { after };
  }
  return changes;
}

function pick(values: Readonly<Record<string, unknown>>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, values[key] ?? null]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
