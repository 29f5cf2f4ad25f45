import { z } from "zod";
import { createTaskOnce } from "../src/ghl/create-once.js";
import { type TaskWrite, taskSchema } from "../src/ghl/schemas.js";
import { CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool, ToolInputError } from "../src/tool.js";
import { sameInstant, titleKey } from "./composite-support.js";
import { dueDateOrDuration, resolveDueDate } from "./due-date.js";
import { contactId, ghlId } from "./params.js";

export const scheduleReminder = defineTool({
  name: "schedule_reminder",
  title: "Schedule reminder",
  description:
    "Schedule a reminder task on a contact, due at a date-time or after a duration (PT2H, P3D). " +
    "An open task with the same title is rescheduled, never duplicated.",
  toolset: "tasks",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({
    contactId,
    title: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe("Reminder title; matches open tasks case-insensitively"),
    dueDate: dueDateOrDuration,
    body: z.string().max(10_000).optional().describe("Details"),
    assignedTo: ghlId("User id to remind").optional(),
  }),
  output: z.object({
    task: taskSchema,
    created: z.boolean().describe("A new task was made"),
    rescheduled: z.boolean().describe("An open task with this title was changed"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ contactId, title, dueDate, body, assignedTo }, ctx) {
    const due = resolveDueDate(dueDate);
    if (Date.parse(due) <= Date.now()) {
      throw new ToolInputError(
        `\`dueDate\` ${due} is in the past: give a future date-time or a duration such as PT2H.`,
      );
    }
    const { tasks = [] } = await ctx.ghl.listTasks(contactId);
    const open = tasks.find((t) => t.completed !== true && titleKey(t.title) === titleKey(title));

    if (!open) {
      const { task } = await createTaskOnce(ctx.ghl, contactId, {
        title,
        dueDate: due,
        completed: false,
        body,
        assignedTo,
      });
      return { task, created: true, rescheduled: false };
    }

    // Only what differs is sent, so a repeated call makes no write at all.
    const changes: TaskWrite = {};
    if (!sameInstant(open.dueDate, due)) changes.dueDate = due;
    if (body !== undefined && body !== (open.body ?? "")) changes.body = body;
    if (assignedTo !== undefined && assignedTo !== open.assignedTo) changes.assignedTo = assignedTo;
    if (Object.keys(changes).length === 0) return { task: open, created: false, rescheduled: false };
    const before = { dueDate: open.dueDate, body: open.body, assignedTo: open.assignedTo };
    const { task } = await ctx.ghl.withBefore(before).updateTask(contactId, open.id, changes);
    return { task, created: false, rescheduled: true };
  },
});
