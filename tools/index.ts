/** Every tool, in the order tools/list shows them: by toolset, reads before writes. */
import type { AnyTool } from "../src/tool.js";
import { listAppointments } from "./appointments.js";
import { readAuditLog } from "./audit.js";
import { getContactOverview } from "./composite-overview.js";
import { scheduleReminder } from "./composite-schedule-reminder.js";
import { setContactTags } from "./composite-set-tags.js";
import { syncContact } from "./composite-sync-contact.js";
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
  getContactOverview,
  getContact,
  searchContacts,
  listContacts,
  listBusinessContacts,
  syncContact,
  createContact,
  updateContact,
  deleteContact,
  listTasks,
  getTask,
  scheduleReminder,
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
  setContactTags,
  addTags,
  removeTags,
  readAuditLog,
];
