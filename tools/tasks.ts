import { z } from "zod";
import { createTaskOnce } from "../src/ghl/create-once.js";
import { taskSchema } from "../src/ghl/schemas.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool } from "../src/tool.js";
import { CREATE, DELETE, READ, UPDATE } from "./annotations.js";
import { contactId, deletedOut, ghlId, isoDateTime, taskId } from "./params.js";

const taskOut = z.object({ task: taskSchema });
const title = z.string().trim().min(1).max(200).describe("Task title");
const body = z.string().max(10_000).describe("Task details");
const assignedTo = ghlId("User id to assign the task to");

export const listTasks = defineTool({
  name: "list_tasks",
  title: "List tasks",
  description: "List a contact's tasks (open and completed) with due dates.",
  toolset: "tasks",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId }),
  output: z.object({ tasks: z.array(taskSchema) }),
  annotations: READ,
  async handler({ contactId }, { ghl }) {
    const { tasks } = await ghl.listTasks(contactId);
    return { tasks: tasks ?? [] };
  },
});

export const getTask = defineTool({
  name: "get_task",
  title: "Get task",
  description: "Get one task of a contact by id.",
  toolset: "tasks",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId, taskId }),
  output: taskOut,
  annotations: READ,
  handler: ({ contactId, taskId }, { ghl }) => ghl.getTask(contactId, taskId),
});

export const createTask = defineTool({
  name: "create_task",
  title: "Create task",
  description: "Create a task (to-do or reminder) on a contact, due at a date-time.",
  toolset: "tasks",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({
    contactId,
    title,
    dueDate: isoDateTime("When it is due"),
    body: body.optional(),
    completed: z.boolean().default(false).describe("Create it already done"),
    assignedTo: assignedTo.optional(),
  }),
  output: taskOut,
  annotations: CREATE,
  // A lost answer must not become a second task: read before sending the create again.
  handler: ({ contactId, ...task }, { ghl }) => createTaskOnce(ghl, contactId, task),
});

export const updateTask = defineTool({
  name: "update_task",
  title: "Update task",
  description:
    "Change a task's title, details, due date, owner or status; fields not given stay as they are.",
  toolset: "tasks",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z
    .strictObject({
      contactId,
      taskId,
      title: title.optional(),
      dueDate: isoDateTime("New due date").optional(),
      body: body.optional(),
      completed: z.boolean().optional().describe("Done or not"),
      assignedTo: assignedTo.optional(),
    })
    .refine((t) => Object.keys(t).length > 2, { message: "give at least one field to change" }),
  output: taskOut,
  annotations: UPDATE,
  handler: ({ contactId, taskId, ...changes }, { ghl }) => ghl.updateTask(contactId, taskId, changes),
});

export const completeTask = defineTool({
  name: "complete_task",
  title: "Complete task",
  description: "Mark a task done (or, with completed: false, open again).",
  toolset: "tasks",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({
    contactId,
    taskId,
    completed: z.boolean().default(true).describe("false reopens the task"),
  }),
  output: taskOut,
  annotations: { ...UPDATE, destructiveHint: false },
  handler: ({ contactId, taskId, completed }, { ghl }) => ghl.completeTask(contactId, taskId, completed),
});

export const deleteTask = defineTool({
  name: "delete_task",
  title: "Delete task",
  description: "Delete a task from a contact. Cannot be undone; to close a task use complete_task.",
  toolset: "tasks",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, taskId }),
  output: deletedOut,
  annotations: DELETE,
  handler: ({ contactId, taskId }, { ghl }) => ghl.deleteTask(contactId, taskId),
});
