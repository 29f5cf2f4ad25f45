import { z } from "zod";
import { createNoteOnce } from "../src/ghl/create-once.js";
import { noteSchema } from "../src/ghl/schemas.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool } from "../src/tool.js";
import { CREATE, DELETE, READ, UPDATE } from "./annotations.js";
import { contactId, deletedOut, ghlId, noteId } from "./params.js";

const noteOut = z.object({ note: noteSchema });
const body = z.string().trim().min(1).max(50_000).describe("Note text");
const userId = ghlId("User id shown as the author").optional();

export const listNotes = defineTool({
  name: "list_notes",
  title: "List notes",
  description: "List a contact's notes.",
  toolset: "notes",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId }),
  output: z.object({ notes: z.array(noteSchema) }),
  annotations: READ,
  async handler({ contactId }, { ghl }) {
    const { notes } = await ghl.listNotes(contactId);
    return { notes: notes ?? [] };
  },
});

export const getNote = defineTool({
  name: "get_note",
  title: "Get note",
  description: "Get one note of a contact by id.",
  toolset: "notes",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId, noteId }),
  output: noteOut,
  annotations: READ,
  handler: ({ contactId, noteId }, { ghl }) => ghl.getNote(contactId, noteId),
});

export const createNote = defineTool({
  name: "create_note",
  title: "Create note",
  description: "Add a note to a contact, e.g. a call summary.",
  toolset: "notes",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, body, userId }),
  output: noteOut,
  annotations: CREATE,
  // A lost answer must not become a second note: read before sending the create again.
  handler: ({ contactId, ...note }, { ghl }) => createNoteOnce(ghl, contactId, note),
});

export const updateNote = defineTool({
  name: "update_note",
  title: "Update note",
  description: "Replace a note's text.",
  toolset: "notes",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, noteId, body, userId }),
  output: noteOut,
  annotations: UPDATE,
  handler: ({ contactId, noteId, ...note }, { ghl }) => ghl.updateNote(contactId, noteId, note),
});

export const deleteNote = defineTool({
  name: "delete_note",
  title: "Delete note",
  description: "Delete a note from a contact. Cannot be undone.",
  toolset: "notes",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, noteId }),
  output: deletedOut,
  annotations: DELETE,
  handler: ({ contactId, noteId }, { ghl }) => ghl.deleteNote(contactId, noteId),
});
