/** Every tool, in the order tools/list shows them: by toolset, reads before writes. */
import type { AnyTool } from "../src/tool.js";
import { listAppointments } from "./appointments.js";
import {
  createContact,
  deleteContact,
  getContact,
  listBusinessContacts,
  listContacts,
  searchContacts,
  updateContact,
} from "./contacts.js";
import { createNote, deleteNote, getNote, listNotes, updateNote } from "./notes.js";
import { addTags, removeTags } from "./tags.js";
import { completeTask, createTask, deleteTask, getTask, listTasks, updateTask } from "./tasks.js";

export const ALL_TOOLS: readonly AnyTool[] = [
  getContact,
  searchContacts,
  listContacts,
  listBusinessContacts,
  createContact,
  updateContact,
  deleteContact,
  listTasks,
  getTask,
  createTask,
  updateTask,
  completeTask,
  deleteTask,
  listNotes,
  getNote,
  createNote,
  updateNote,
  deleteNote,
  listAppointments,
  addTags,
  removeTags,
];
