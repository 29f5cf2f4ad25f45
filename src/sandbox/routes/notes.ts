// Notes of a contact. The note's path parameter is `id`, not `noteId`, as in the spec.

import { notFound } from "../errors.js";
import { type Reply, type RequestContext, type Route, requireContact } from "../router.js";
import { newId } from "../store.js";
import type { NoteRecord } from "../types.js";
import { asBody, Validator } from "../validate.js";

const NOTE_FIELDS = ["body", "userId", "title", "color", "pinned"];
const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

function requireNote(ctx: RequestContext): NoteRecord {
  const contact = requireContact(ctx);
  const note = ctx.store.getNote(ctx.locationId, contact.id, ctx.params.id ?? "");
  if (!note) throw notFound("Note not found");
  return note;
}

/** The optional fields shared by create (NotesDTO) and update (UpdateNoteDTO). */
function readNoteFields(v: Validator) {
  const userId = v.string("userId");
  const title = v.string("title");
  const color = v.string("color");
  if (typeof color === "string" && !HEX_COLOR.test(color)) v.fail("color must be a hexadecimal color");
  const pinned = v.boolean("pinned");
  return { userId, title, color, pinned };
}

function listNotes(ctx: RequestContext): Reply {
  const contact = requireContact(ctx);
  return { status: 200, body: { notes: ctx.store.notes(ctx.locationId, contact.id) } };
}

function getNote(ctx: RequestContext): Reply {
  return { status: 200, body: { note: requireNote(ctx) } };
}

function createNote(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(NOTE_FIELDS);
  const body = v.string("body", { required: true });
  const fields = readNoteFields(v);
  v.throwIfInvalid();
  const contact = requireContact(ctx);
  const note: NoteRecord = {
    id: newId(),
    contactId: contact.id,
    body: body ?? "",
    userId: fields.userId ?? undefined,
    title: fields.title ?? undefined,
    color: fields.color ?? undefined,
    pinned: fields.pinned ?? false,
    dateAdded: new Date().toISOString(),
  };
  ctx.store.addNote(ctx.locationId, note);
  return { status: 201, body: { note } };
}

function updateNote(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(NOTE_FIELDS);
  const body = v.string("body", { notEmpty: true });
  const fields = readNoteFields(v);
  v.throwIfInvalid();
  const note = requireNote(ctx);
  if (body) note.body = body;
  if (fields.userId !== undefined) note.userId = fields.userId ?? undefined;
  if (fields.title !== undefined) note.title = fields.title ?? undefined;
  if (fields.color !== undefined) note.color = fields.color ?? undefined;
  if (fields.pinned !== undefined) note.pinned = fields.pinned;
  return { status: 200, body: { note } };
}

function deleteNote(ctx: RequestContext): Reply {
  const note = requireNote(ctx);
  ctx.store.deleteNote(ctx.locationId, note.contactId, note.id);
  return { status: 200, body: { succeded: true } };
}

const NOTE = "/contacts/:contactId/notes/:id";

export const noteRoutes: Route[] = [
  { method: "GET", path: "/contacts/:contactId/notes", scope: "contacts.readonly", handler: listNotes },
  { method: "POST", path: "/contacts/:contactId/notes", scope: "contacts.write", handler: createNote },
  { method: "GET", path: NOTE, scope: "contacts.readonly", handler: getNote },
  { method: "PUT", path: NOTE, scope: "contacts.write", handler: updateNote },
  { method: "DELETE", path: NOTE, scope: "contacts.write", handler: deleteNote },
];
