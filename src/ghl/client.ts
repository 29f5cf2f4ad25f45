/**
 * Typed GHL Contacts API v2 methods. One GhlClient is made per tool call on top of the shared
 * GhlHttp pool, so that it carries the call's abort signal and counts the call's requests.
 */
import type { GhlHttp, GhlRequest, HttpMethod, RequestObserver } from "./http.js";
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

/** A path segment from a validated id; encoding again costs nothing and keeps paths honest. */
const seg = encodeURIComponent;

export class GhlClient {
  readonly counts: RequestCounts = { reads: 0, writes: 0 };

  constructor(
    private readonly http: GhlHttp,
    private readonly signal?: AbortSignal,
    private readonly observe?: RequestObserver,
  ) {}

  private async call<T>(method: HttpMethod, path: string, extra: Partial<GhlRequest> = {}): Promise<T> {
    if (method === "GET" || (method === "POST" && path === "/contacts/search")) this.counts.reads++;
    else this.counts.writes++;
    const res = await this.http.request<T>({ method, path, signal: this.signal, ...extra }, this.observe);
    return res.data;
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
