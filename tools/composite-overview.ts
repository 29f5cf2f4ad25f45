import { z } from "zod";
import { contactSchema, eventSchema, noteSchema, type Task, taskSchema } from "../src/ghl/schemas.js";
import { CONTACTS_READ } from "../src/scopes.js";
import { defineTool } from "../src/tool.js";
import { READ } from "./annotations.js";
import { contactId } from "./params.js";

const time = (value: string | null | undefined) => {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/** Open tasks first, each group soonest due first. */
export function byOpenThenDue(a: Task, b: Task): number {
  return Number(a.completed === true) - Number(b.completed === true) || time(a.dueDate) - time(b.dueDate);
}

export const getContactOverview = defineTool({
  name: "get_contact_overview",
  title: "Contact overview",
  description:
    "A contact with its tasks (open first), notes (newest first), appointments and counts in one call. " +
    "Prefer it to four separate reads.",
  toolset: "contacts",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({
    contactId,
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("Most items per list, 1-100; counts stay total"),
  }),
  output: z.object({
    contact: contactSchema,
    tasks: z.array(taskSchema),
    notes: z.array(noteSchema),
    events: z.array(eventSchema),
    counts: z.object({ tasks: z.number(), openTasks: z.number(), notes: z.number(), events: z.number() }),
  }),
  annotations: READ,
  async handler({ contactId, limit }, { ghl }) {
    // Four independent reads at once: the call takes as long as the slowest, not their sum.
    const [{ contact }, { tasks = [] }, { notes = [] }, { events = [] }] = await Promise.all([
      ghl.getContact(contactId),
      ghl.listTasks(contactId),
      ghl.listNotes(contactId),
      ghl.listAppointments(contactId),
    ]);
    return {
      contact,
      tasks: [...tasks].sort(byOpenThenDue).slice(0, limit),
      notes: [...notes].sort((a, b) => time(b.dateAdded) - time(a.dateAdded)).slice(0, limit),
      events: [...events].sort((a, b) => time(b.startTime) - time(a.startTime)).slice(0, limit),
      counts: {
        tasks: tasks.length,
        openTasks: tasks.filter((t) => t.completed !== true).length,
        notes: notes.length,
        events: events.length,
      },
    };
  },
});
