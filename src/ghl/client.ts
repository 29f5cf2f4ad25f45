/**
 * Typed GHL Contacts API v2 methods. One GhlClient is made per tool call on top of the shared
 * GhlHttp pool, so that it carries the call's abort signal, counts the call's requests and
 * reports every write to the audit trail (`onWrite`) before the method returns.
 */
import type { GhlHttp, GhlRequest, GhlResponse, HttpMethod, RequestObserver } from "./http.js";
import { isReadRequest } from "./retry-policy.js";
import type {
  AppointmentEvent,
  Contact,
  ContactWrite,
  Note,
  NoteWrite,
  SearchBody,
  Task,
  TaskWrite,
} from "./schemas.js";

export interface ContactPageMeta {
  total?: number;
  startAfter?: number | null;
  startAfterId?: string | null;
  nextPageUrl?: string | null;
  [key: string]: unknown;
}

export interface RequestCounts {
  reads: number;
  writes: number;
}

/** Field values of a record as read before a write, e.g. the contact a composite fetched. */
export type BeforeValues = Readonly<Record<string, unknown>>;

/** One write request to GHL, after it completed or failed. */
export interface WriteEvent {
  method: HttpMethod;
  /** Path below the base URL, as sent (ids encoded). */
  path: string;
  body: unknown;
  /** Values before the write, when the caller knew them (see `withBefore`). */
  before: BeforeValues | undefined;
  /** GHL's answer, when it was a 2xx. */
  response?: { status: number; data: unknown };
  /** Why the write failed: GhlApiError, GhlNetworkError, or anything else thrown. */
  error?: unknown;
  durationMs: number;
}

export interface GhlClientOptions {
  signal?: AbortSignal | undefined;
  observe?: RequestObserver | undefined;
  /**
   * Called after every write request (anything but GET and POST /contacts/search) completes or
   * fails, and awaited before the client method returns: the audit trail hooks in here. It must
   * not throw.
   */
  onWrite?: ((event: WriteEvent) => Promise<void>) | undefined;
}

/** A write was attempted through a `withoutWrites()` view (a dry run): a bug in the tool. */
export class DryRunWriteError extends Error {
  constructor(method: HttpMethod, path: string) {
    super(`dry run attempted a write: ${method} ${path}; nothing was sent`);
    this.name = "DryRunWriteError";
  }
}

/** A path segment from a validated id; encoding again costs nothing and keeps paths honest. */
const seg = encodeURIComponent;

export class GhlClient {
  /** Shared by every view made from this client, so a tool call counts all its requests. */
  readonly counts: RequestCounts;
  private before: BeforeValues | undefined;
  private writesRefused = false;

  constructor(
    private readonly http: GhlHttp,
    private readonly options: GhlClientOptions = {},
    counts: RequestCounts = { reads: 0, writes: 0 },
  ) {
    this.counts = counts;
  }

  /**
   * A view of this client whose writes are audited with these "before" values: for an update,
   * each field sent is recorded as `{ before, after }`. Use it when the tool read the record
   * first, e.g. `await ghl.withBefore(contact).updateContact(id, changes)`.
   */
  withBefore(before: BeforeValues): GhlClient {
    const view = new GhlClient(this.http, this.options, this.counts);
    view.before = before;
    view.writesRefused = this.writesRefused;
    return view;
  }

  /**
   * A view for dry runs: reads work, every write method throws DryRunWriteError before anything
   * is sent or recorded. A dry run that only reads through it provably writes nothing.
   */
  withoutWrites(): GhlClient {
    const view = new GhlClient(this.http, this.options, this.counts);
    view.writesRefused = true;
    return view;
  }

  private async call<T>(method: HttpMethod, path: string, extra: Partial<GhlRequest> = {}): Promise<T> {
    if (isReadRequest(method, path)) {
      this.counts.reads++;
      return (await this.send<T>(method, path, extra)).data;
    }
    if (this.writesRefused) throw new DryRunWriteError(method, path);
    this.counts.writes++;
    const onWrite = this.options.onWrite;
    if (!onWrite) return (await this.send<T>(method, path, extra)).data;

    const started = performance.now();
    const event = { method, path, body: extra.body, before: this.before };
    let res: GhlResponse<T>;
    try {
      res = await this.send<T>(method, path, extra);
    } catch (error) {
      await onWrite({ ...event, error, durationMs: performance.now() - started });
      throw error;
    }
    await onWrite({
      ...event,
      response: { status: res.status, data: res.data },
      durationMs: performance.now() - started,
    });
    return res.data;
  }

  private send<T>(method: HttpMethod, path: string, extra: Partial<GhlRequest>): Promise<GhlResponse<T>> {
    return this.http.request<T>(
      { method, path, signal: this.options.signal, ...extra },
      this.options.observe,
    );
  }

  // Contacts
  getContact(contactId: string) {
    return this.call<{ contact: Contact }>("GET", `/contacts/${seg(contactId)}`);
  }
  listContacts(query: {
    locationId: string;
    query?: string;
    limit?: number;
    startAfter?: number;
    startAfterId?: string;
  }) {
    return this.call<{ contacts: Contact[]; count?: number; meta?: ContactPageMeta }>("GET", "/contacts/", {
      query,
    });
  }
  searchContacts(body: SearchBody) {
    return this.call<{ contacts: Contact[]; total?: number }>("POST", "/contacts/search", { body });
  }
  listBusinessContacts(
    businessId: string,
    query: { locationId: string; limit?: number; skip?: number; query?: string },
  ) {
    return this.call<{ contacts: Contact[]; count?: number }>(
      "GET",
      `/contacts/business/${seg(businessId)}`,
      {
        query,
      },
    );
  }
  createContact(body: ContactWrite & { locationId: string }) {
    return this.call<{ contact: Contact }>("POST", "/contacts/", { body });
  }
  updateContact(contactId: string, body: ContactWrite) {
    return this.call<{ contact: Contact; succeded?: boolean }>("PUT", `/contacts/${seg(contactId)}`, {
      body,
    });
  }
  async deleteContact(contactId: string) {
    return deleted(await this.call("DELETE", `/contacts/${seg(contactId)}`));
  }

  // Tasks
  listTasks(contactId: string) {
    return this.call<{ tasks: Task[] }>("GET", `/contacts/${seg(contactId)}/tasks`);
  }
  getTask(contactId: string, taskId: string) {
    return this.call<{ task: Task }>("GET", `/contacts/${seg(contactId)}/tasks/${seg(taskId)}`);
  }
  createTask(contactId: string, body: TaskWrite & { title: string; dueDate: string; completed: boolean }) {
    return this.call<{ task: Task }>("POST", `/contacts/${seg(contactId)}/tasks`, { body });
  }
  updateTask(contactId: string, taskId: string, body: TaskWrite) {
    return this.call<{ task: Task }>("PUT", `/contacts/${seg(contactId)}/tasks/${seg(taskId)}`, { body });
  }
  completeTask(contactId: string, taskId: string, completed: boolean) {
    return this.call<{ task: Task }>("PUT", `/contacts/${seg(contactId)}/tasks/${seg(taskId)}/completed`, {
      body: { completed },
    });
  }
  async deleteTask(contactId: string, taskId: string) {
    return deleted(await this.call("DELETE", `/contacts/${seg(contactId)}/tasks/${seg(taskId)}`));
  }

  // Notes (GHL names the note path parameter `id`)
  listNotes(contactId: string) {
    return this.call<{ notes: Note[] }>("GET", `/contacts/${seg(contactId)}/notes`);
  }
  getNote(contactId: string, noteId: string) {
    return this.call<{ note: Note }>("GET", `/contacts/${seg(contactId)}/notes/${seg(noteId)}`);
  }
  createNote(contactId: string, body: NoteWrite & { body: string }) {
    return this.call<{ note: Note }>("POST", `/contacts/${seg(contactId)}/notes`, { body });
  }
  updateNote(contactId: string, noteId: string, body: NoteWrite) {
    return this.call<{ note: Note }>("PUT", `/contacts/${seg(contactId)}/notes/${seg(noteId)}`, { body });
  }
  async deleteNote(contactId: string, noteId: string) {
    return deleted(await this.call("DELETE", `/contacts/${seg(contactId)}/notes/${seg(noteId)}`));
  }

  // Appointments and tags
  listAppointments(contactId: string) {
    return this.call<{ events: AppointmentEvent[] }>("GET", `/contacts/${seg(contactId)}/appointments`);
  }
  addTags(contactId: string, tags: string[]) {
    return this.call<{ tags: string[] }>("POST", `/contacts/${seg(contactId)}/tags`, { body: { tags } });
  }
  removeTags(contactId: string, tags: string[]) {
    return this.call<{ tags: string[] }>("DELETE", `/contacts/${seg(contactId)}/tags`, { body: { tags } });
  }
}

/** GHL spells it `succeded` on the wire (v3 adds `succeeded`); we answer with the right spelling. */
function deleted(data: unknown): { succeeded: boolean } {
  const body = (data ?? {}) as { succeded?: unknown; succeeded?: unknown };
  return { succeeded: body.succeeded === true || body.succeded === true };
}
