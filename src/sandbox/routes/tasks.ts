// Tasks of a contact. TaskSchema has no dates besides dueDate; the sandbox adds dateAdded and
// dateUpdated, which real task objects carry.

import { notFound } from "../errors.js";
import { type Reply, type RequestContext, type Route, requireContact } from "../router.js";
import { newId } from "../store.js";
import type { TaskRecord } from "../types.js";
import { asBody, Validator } from "../validate.js";

const CREATE_TASK_FIELDS = ["title", "body", "dueDate", "completed", "assignedTo"];
const UPDATE_TASK_FIELDS = CREATE_TASK_FIELDS;

function requireTask(ctx: RequestContext): TaskRecord {
  const contact = requireContact(ctx);
  const task = ctx.store.getTask(ctx.locationId, contact.id, ctx.params.taskId ?? "");
  if (!task) throw notFound("Task not found");
  return task;
}

/** GHL stores dates as Date, so any ISO input comes back as "2026-04-02T17:00:00.000Z". */
function toIso(date: string): string {
  return new Date(date).toISOString();
}

function listTasks(ctx: RequestContext): Reply {
  const contact = requireContact(ctx);
  return { status: 200, body: { tasks: ctx.store.tasks(ctx.locationId, contact.id) } };
}

function getTask(ctx: RequestContext): Reply {
  return { status: 200, body: { task: requireTask(ctx) } };
}

function createTask(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(CREATE_TASK_FIELDS);
  const title = v.string("title", { required: true });
  const body = v.string("body");
  const dueDate = v.isoDate("dueDate", { required: true });
  const completed = v.boolean("completed", { required: true });
  const assignedTo = v.string("assignedTo");
  v.throwIfInvalid();
  const contact = requireContact(ctx);
  const now = new Date().toISOString();
  const task: TaskRecord = {
    id: newId(),
    contactId: contact.id,
    title: title ?? "",
    body: body ?? undefined,
    assignedTo: assignedTo ?? undefined,
    dueDate: toIso(dueDate ?? now),
    completed: completed ?? false,
    dateAdded: now,
    dateUpdated: now,
  };
  ctx.store.addTask(ctx.locationId, task);
  return { status: 201, body: { task } };
}

function updateTask(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(UPDATE_TASK_FIELDS);
  const title = v.string("title", { notEmpty: true });
  const body = v.string("body");
  const dueDate = v.isoDate("dueDate");
  const completed = v.boolean("completed");
  const assignedTo = v.string("assignedTo");
  v.throwIfInvalid();
  const task = requireTask(ctx);
  if (title) task.title = title;
  if (body !== undefined) task.body = body ?? undefined;
  if (dueDate) task.dueDate = toIso(dueDate);
  if (completed !== undefined) task.completed = completed;
  if (assignedTo !== undefined) task.assignedTo = assignedTo ?? undefined;
  task.dateUpdated = new Date().toISOString();
  return { status: 200, body: { task } };
}

function completeTask(ctx: RequestContext): Reply {
  const v = new Validator(asBody(ctx.body)).whitelist(["completed"]);
  const completed = v.boolean("completed", { required: true });
  v.throwIfInvalid();
  const task = requireTask(ctx);
  task.completed = completed ?? task.completed;
  task.dateUpdated = new Date().toISOString();
  return { status: 200, body: { task } };
}

function deleteTask(ctx: RequestContext): Reply {
  const task = requireTask(ctx);
  ctx.store.deleteTask(ctx.locationId, task.contactId, task.id);
  return { status: 200, body: { succeded: true } };
}

const TASK = "/contacts/:contactId/tasks/:taskId";

export const taskRoutes: Route[] = [
  { method: "GET", path: "/contacts/:contactId/tasks", scope: "contacts.readonly", handler: listTasks },
  { method: "POST", path: "/contacts/:contactId/tasks", scope: "contacts.write", handler: createTask },
  { method: "GET", path: TASK, scope: "contacts.readonly", handler: getTask },
  { method: "PUT", path: TASK, scope: "contacts.write", handler: updateTask },
  { method: "DELETE", path: TASK, scope: "contacts.write", handler: deleteTask },
  { method: "PUT", path: `${TASK}/completed`, scope: "contacts.write", handler: completeTask },
];
