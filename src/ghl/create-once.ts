/**
 * One intent, one record. A POST is never repeated blindly (http.ts does not retry it once it may
 * have reached GHL), so a create whose answer was lost would fail even though GHL may have made
 * the record. createOnce settles that by reading: if the record is there, it is the answer; if
 * not, the create is sent once more. Tools and composite tools use it for every create.
 */
import type { GhlClient } from "./client.js";
import { isOutcomeUnknown } from "./failures.js";
import type { Note, Task } from "./schemas.js";

export { isOutcomeUnknown };

export interface CreateOnceSteps<T> {
  /** Sends the create (one POST; http.ts does not repeat it). */
  create(): Promise<T>;
  /** Reads GHL for the record this create would have made; undefined when it is not there. */
  find(): Promise<T | undefined>;
}

/**
 * Creates a record at most once per intent. When the create's outcome is unknown
 * ({@link isOutcomeUnknown}), `find` runs before anything is sent again: a record found is
 * returned as the result; none found, the create is sent once more, and if that outcome is
 * unknown too, `find` gets one last look. Any other failure, or a `find` that fails, surfaces the
 * create's own error, whose message tells the agent to check before retrying.
 *
 * Limit: a create GHL is still working on when `find` reads (a request stuck past the client's
 * timeout) is not seen, and is then made twice; find by fields specific enough to the intent.
 */
export async function createOnce<T>({ create, find }: CreateOnceSteps<T>): Promise<T> {
  try {
    return await create();
  } catch (first) {
    if (!isOutcomeUnknown(first)) throw first;
    const found = await lookOrThrow(find, first);
    if (found !== undefined) return found;
  }
  try {
    return await create();
  } catch (second) {
    if (!isOutcomeUnknown(second)) throw second;
    const found = await lookOrThrow(find, second);
    if (found !== undefined) return found;
    throw second;
  }
}

async function lookOrThrow<T>(
  find: () => Promise<T | undefined>,
  createError: unknown,
): Promise<T | undefined> {
  try {
    return await find();
  } catch {
    throw createError;
  }
}

/**
 * How far back a record found by `find` may have been added and still count as this call's: the
 * call's own duration plus some clock difference between us and GHL. An identical record added
 * earlier is someone else's intent.
 */
const SAME_INTENT_WINDOW_MS = 2 * 60_000;

type NewTask = Parameters<GhlClient["createTask"]>[1];
type NewNote = Parameters<GhlClient["createNote"]>[1];

/** createOnce for a task: the same title, due date and details on the contact, added just now. */
export function createTaskOnce(ghl: GhlClient, contactId: string, task: NewTask): Promise<{ task: Task }> {
  const since = Date.now() - SAME_INTENT_WINDOW_MS;
  return createOnce({
    create: () => ghl.createTask(contactId, task),
    async find() {
      const { tasks } = await ghl.listTasks(contactId);
      const match = newest((tasks ?? []).filter((t) => sameTask(t, task) && addedSince(t, since)));
      return match ? { task: match } : undefined;
    },
  });
}

/** createOnce for a note: the same text on the contact, added just now. */
export function createNoteOnce(ghl: GhlClient, contactId: string, note: NewNote): Promise<{ note: Note }> {
  const since = Date.now() - SAME_INTENT_WINDOW_MS;
  return createOnce({
    create: () => ghl.createNote(contactId, note),
    async find() {
      const { notes } = await ghl.listNotes(contactId);
      const match = newest((notes ?? []).filter((n) => n.body === note.body && addedSince(n, since)));
      return match ? { note: match } : undefined;
    },
  });
}

function sameTask(found: Task, wanted: NewTask): boolean {
  return (
    found.title === wanted.title &&
    sameInstant(found.dueDate, wanted.dueDate) &&
    (found.body ?? "") === (wanted.body ?? "")
  );
}

/** GHL answers dates normalised ("…T09:00:00.000Z" for "…T04:00:00-05:00"): compare instants. */
function sameInstant(a: string | null | undefined, b: string): boolean {
  return typeof a === "string" && Date.parse(a) === Date.parse(b);
}

type GhlRecord = { [field: string]: unknown };

/** When GHL says the record was added, in ms; NaN when it does not say (readably). */
function dateAdded(record: GhlRecord): number {
  return typeof record.dateAdded === "string" ? Date.parse(record.dateAdded) : Number.NaN;
}

/** A record without a readable dateAdded cannot be ruled out by age. */
function addedSince(record: GhlRecord, since: number): boolean {
  const added = dateAdded(record);
  return Number.isNaN(added) || added >= since;
}

function newest<R extends GhlRecord>(records: R[]): R | undefined {
  return records.sort((a, b) => (dateAdded(b) || 0) - (dateAdded(a) || 0))[0];
}
