import { randomInt } from "node:crypto";
import { demoData } from "./seed.js";
import type { ContactRecord, EventRecord, NoteRecord, TaskRecord } from "./types.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A GHL-looking id: 20 random alphanumeric characters, like `ocQHyuzHvysMo5N5VsXc`. */
export function newId(): string {
  let id = "";
  for (let i = 0; i < 20; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

/** Orders contacts the way the list endpoint pages them: oldest first, id breaks ties. */
export function compareByDateAdded(a: ContactRecord, b: ContactRecord): number {
  const byDate = Date.parse(a.dateAdded) - Date.parse(b.dateAdded);
  if (byDate !== 0) return byDate;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface LocationData {
  contacts: Map<string, ContactRecord>;
  // Children are keyed by contact id, so deleting a contact drops them in one go.
  tasks: Map<string, TaskRecord[]>;
  notes: Map<string, NoteRecord[]>;
  events: Map<string, EventRecord[]>;
}

/**
 * Per-location data of the sandbox. Every lookup takes the location, so a record of another
 * location is simply not found, as with GHL. Getters return the live records (a test may tweak
 * one to set up a case) inside fresh arrays (pushing to an array changes nothing).
 */
export class SandboxStore {
  private readonly locations = new Map<string, LocationData>();

  private location(locationId: string): LocationData {
    let data = this.locations.get(locationId);
    if (!data) {
      data = { contacts: new Map(), tasks: new Map(), notes: new Map(), events: new Map() };
      this.locations.set(locationId, data);
    }
    return data;
  }

  /** The location's contacts ordered by (dateAdded, id). */
  contacts(locationId: string): ContactRecord[] {
    return [...this.location(locationId).contacts.values()].sort(compareByDateAdded);
  }

  getContact(locationId: string, id: string): ContactRecord | undefined {
    return this.location(locationId).contacts.get(id);
  }

  tasks(locationId: string, contactId: string): TaskRecord[] {
    return [...(this.location(locationId).tasks.get(contactId) ?? [])];
  }

  notes(locationId: string, contactId: string): NoteRecord[] {
    return [...(this.location(locationId).notes.get(contactId) ?? [])];
  }

  events(locationId: string, contactId: string): EventRecord[] {
    return [...(this.location(locationId).events.get(contactId) ?? [])];
  }

  getTask(locationId: string, contactId: string, taskId: string): TaskRecord | undefined {
    return this.location(locationId)
      .tasks.get(contactId)
      ?.find((t) => t.id === taskId);
  }

  getNote(locationId: string, contactId: string, noteId: string): NoteRecord | undefined {
    return this.location(locationId)
      .notes.get(contactId)
      ?.find((n) => n.id === noteId);
  }

  addContact(contact: ContactRecord): void {
    this.location(contact.locationId).contacts.set(contact.id, contact);
  }

  /** Removes the contact and everything hanging off it; false when there was no such contact. */
  deleteContact(locationId: string, id: string): boolean {
    const data = this.location(locationId);
    if (!data.contacts.delete(id)) return false;
    data.tasks.delete(id);
    data.notes.delete(id);
    data.events.delete(id);
    return true;
  }

  addTask(locationId: string, task: TaskRecord): void {
    pushTo(this.location(locationId).tasks, task.contactId, task);
  }

  deleteTask(locationId: string, contactId: string, taskId: string): boolean {
    return removeFrom(this.location(locationId).tasks, contactId, taskId);
  }

  addNote(locationId: string, note: NoteRecord): void {
    pushTo(this.location(locationId).notes, note.contactId, note);
  }

  deleteNote(locationId: string, contactId: string, noteId: string): boolean {
    return removeFrom(this.location(locationId).notes, contactId, noteId);
  }

  addEvent(event: EventRecord): void {
    pushTo(this.location(event.locationId).events, event.contactId, event);
  }

  /** Drops all data of one location, or of every location. */
  clear(locationId?: string): void {
    if (locationId === undefined) this.locations.clear();
    else this.locations.delete(locationId);
  }

  /**
   * Replaces the location's data with the demo data set (see seed.ts). Ids are derived from the
   * location id, so seeding again gives the same ids: handy to reset state between tests.
   */
  seed(locationId: string): void {
    this.clear(locationId);
    const data = demoData(locationId);
    for (const contact of data.contacts) this.addContact(contact);
    for (const task of data.tasks) this.addTask(locationId, task);
    for (const note of data.notes) this.addNote(locationId, note);
    for (const event of data.events) this.addEvent(event);
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function removeFrom<T extends { id: string }>(map: Map<string, T[]>, key: string, id: string): boolean {
  const list = map.get(key);
  const index = list?.findIndex((item) => item.id === id) ?? -1;
  if (!list || index < 0) return false;
  list.splice(index, 1);
  return true;
}
