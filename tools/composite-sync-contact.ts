/**
 * sync_contact: make a GHL contact (and its tags, tasks and notes) match what the agent's own
 * system says, writing only what differs. Reads run concurrently; writes run in order so that a
 * failure part-way can say exactly what was and was not written.
 */
import { z } from "zod";
import { createNoteOnce, createTaskOnce } from "../src/ghl/create-once.js";
import type { Contact, ContactWrite, Note, Task, TaskWrite } from "../src/ghl/schemas.js";
import { advertiseAs } from "../src/registry.js";
import { CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool, requireLocation, type ToolContext, ToolInputError } from "../src/tool.js";
import {
  missingTags,
  overlappingTags,
  presentTags,
  runWrites,
  sameInstant,
  titleKey,
  type WriteStep,
} from "./composite-support.js";
import { contactFields, toGhlContact } from "./contacts.js";
import { contactId, email, ghlId, isoDateTime, locationId, tagList } from "./params.js";

const fieldsInput = advertiseAs(z.strictObject(contactFields), {
  type: "object",
  description:
    "Fields to set, named and checked as in update_contact (firstName, email, phone, city, customFields...)",
});
type Fields = z.output<typeof fieldsInput>;
type CustomField = NonNullable<Fields["customFields"]>[number];

const taskInput = z.strictObject({
  title: z.string().trim().min(1).max(200).describe("Matches an existing task's title, case-insensitively"),
  dueDate: isoDateTime("Due date"),
  body: z.string().max(10_000).optional().describe("Details"),
  completed: z.boolean().optional().describe("Done or not; new tasks default to open"),
  assignedTo: ghlId("User id").optional(),
});
type TaskInput = z.output<typeof taskInput>;

const fieldChange = z.object({ field: z.string(), from: z.unknown(), to: z.unknown() });

export const syncContact = defineTool({
  name: "sync_contact",
  title: "Sync contact",
  description:
    "Make a contact match your data in one idempotent call: fields, tags, tasks (by title), notes (by text). " +
    "Writes only differences; dryRun previews.",
  toolset: "contacts",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z
    .strictObject({
      contactId: contactId.optional(),
      email: email.optional().describe("Find the contact by email instead"),
      createIfMissing: z.boolean().default(false).describe("Create it if no contact has the email"),
      fields: fieldsInput.optional(),
      tags: advertiseAs(z.strictObject({ add: tagList.optional(), remove: tagList.optional() }), {
        type: "object",
        description: "{add: [tags to ensure present], remove: [tags to ensure absent]}, case-insensitive",
      }).optional(),
      tasks: advertiseAs(z.array(taskInput).max(50), {
        type: "array",
        items: { type: "object" },
        description:
          "Tasks to ensure, matched by title: [{title, dueDate, body?, completed?, assignedTo?}] as in create_task",
      }).optional(),
      notes: advertiseAs(
        z.array(z.strictObject({ body: z.string().trim().min(1).max(50_000).describe("Note text") })).max(50),
        {
          type: "array",
          items: { type: "object" },
          description: "Notes to ensure, matched by text: [{body}]",
        },
      ).optional(),
      dryRun: z.boolean().default(false).describe("Report the plan; write nothing"),
      locationId,
    })
    .refine((a) => (a.contactId === undefined) !== (a.email === undefined), {
      message: "give exactly one of `contactId` or `email`",
    }),
  output: z.object({
    contactId: z.string().nullable().describe("null in a dry-run create"),
    created: z.boolean(),
    dryRun: z.boolean(),
    changes: advertiseAs(
      z.object({
        fields: z.array(fieldChange),
        tagsAdded: z.array(z.string()),
        tagsRemoved: z.array(z.string()),
        tasksCreated: z.array(z.object({ id: z.string().nullable(), title: z.string() })),
        tasksUpdated: z.array(z.object({ id: z.string(), title: z.string(), fields: z.array(z.string()) })),
        notesCreated: z.array(z.object({ id: z.string().nullable(), body: z.string() })),
      }),
      {
        type: "object",
        description:
          "fields [{field, from, to}], tagsAdded, tagsRemoved, tasksCreated [{id, title}], " +
          "tasksUpdated [{id, title, fields}], notesCreated [{id, body}]",
      },
    ),
    requests: z.object({ reads: z.number(), writes: z.number() }),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const add = args.tags?.add ?? [];
    const remove = args.tags?.remove ?? [];
    const both = overlappingTags(add, remove);
    if (both.length)
      throw new ToolInputError(`Tag ${both.map((t) => `"${t}"`).join(", ")} is in both add and remove.`);
    const titles = (args.tasks ?? []).map((t) => titleKey(t.title));
    const repeated = titles.find((t, i) => titles.indexOf(t) !== i);
    if (repeated) throw new ToolInputError(`Two tasks have the title "${repeated}"; titles identify tasks.`);
    const locationId = args.email && args.createIfMissing ? requireLocation(args, ctx) : undefined;
    const fields = args.fields ?? {};

    const current = await readCurrent(args, ctx);
    await ctx.progress(1, undefined, "read current state");
    if (!current.contact && !args.createIfMissing) {
      throw new ToolInputError(
        `No contact has the email ${args.email}. Pass createIfMissing: true to create it, or check the address.`,
        false,
      );
    }

    const changes = {
      fields: current.contact ? diffFields(current.contact, fields) : newFields(fields, args.email),
      tagsAdded: current.contact ? missingTags(current.contact.tags ?? [], add) : missingTags([], add),
      tagsRemoved: current.contact ? presentTags(current.contact.tags ?? [], remove) : [],
      tasksCreated: [] as Array<{ id: string | null; title: string }>,
      tasksUpdated: [] as Array<{ id: string; title: string; fields: string[] }>,
      notesCreated: [] as Array<{ id: string | null; body: string }>,
    };
    let id = current.contact?.id ?? null;
    const steps: WriteStep[] = [];

    if (!current.contact) {
      const body = { ...toGhlContact(fields), email: fields.email ?? args.email, tags: changes.tagsAdded };
      steps.push({
        label: `create contact ${args.email}`,
        run: async () => {
          id = (await ctx.ghl.createContact({ ...body, locationId: locationId as string })).contact.id;
        },
      });
    } else if (changes.fields.length) {
      const update = contactUpdate(fields, changes.fields);
      // The audit record gets each changed field's value before, as read above.
      const before = {
        ...Object.fromEntries(changes.fields.map((c) => [c.field, c.from])),
        customFields: current.contact.customFields,
      };
      steps.push({
        label: `update contact fields ${changes.fields.map((c) => c.field).join(", ")}`,
        run: async () => {
          await ctx.ghl.withBefore(before).updateContact(id as string, update);
        },
      });
    }
    const tagsBefore = { tags: current.contact?.tags ?? [] };
    if (current.contact && changes.tagsAdded.length) {
      steps.push({
        label: `add tags ${changes.tagsAdded.join(", ")}`,
        run: async () => {
          await ctx.ghl.withBefore(tagsBefore).addTags(id as string, changes.tagsAdded);
        },
      });
    }
    if (changes.tagsRemoved.length) {
      steps.push({
        label: `remove tags ${changes.tagsRemoved.join(", ")}`,
        run: async () => {
          await ctx.ghl.withBefore(tagsBefore).removeTags(id as string, changes.tagsRemoved);
        },
      });
    }

    for (const wanted of args.tasks ?? []) {
      const match = matchTask(current.tasks, wanted.title);
      if (!match) {
        const entry = { id: null as string | null, title: wanted.title };
        changes.tasksCreated.push(entry);
        steps.push({
          label: `create task "${wanted.title}"`,
          run: async () => {
            const { task } = await createTaskOnce(ctx.ghl, id as string, {
              ...wanted,
              completed: wanted.completed ?? false,
            });
            entry.id = task.id;
          },
        });
        continue;
      }
      const update = taskUpdate(match, wanted);
      if (Object.keys(update).length) {
        changes.tasksUpdated.push({
          id: match.id,
          title: match.title ?? wanted.title,
          fields: Object.keys(update),
        });
        steps.push({
          label: `update task "${match.title}" (${Object.keys(update).join(", ")})`,
          run: async () => {
            await ctx.ghl.withBefore(match).updateTask(id as string, match.id, update);
          },
        });
      }
    }

    const noteBodies = new Set(current.notes.map((n) => (n.body ?? "").trim()));
    for (const { body } of args.notes ?? []) {
      if (noteBodies.has(body)) continue;
      noteBodies.add(body);
      const entry = { id: null as string | null, body };
      changes.notesCreated.push(entry);
      steps.push({
        label: `create note "${body.length > 40 ? `${body.slice(0, 40)}…` : body}"`,
        run: async () => {
          entry.id = (await createNoteOnce(ctx.ghl, id as string, { body })).note.id;
        },
      });
    }

    if (!args.dryRun) await runWrites(steps, ctx);
    return {
      contactId: id,
      created: !current.contact,
      dryRun: args.dryRun,
      changes,
      requests: { ...ctx.ghl.counts },
    };
  },
});

interface CurrentState {
  contact: Contact | undefined;
  tasks: Task[];
  notes: Note[];
}

/** The contact and, only when the input mentions them, its tasks and notes: all at once. */
async function readCurrent(
  args: {
    contactId?: string;
    email?: string;
    tasks?: unknown[];
    notes?: unknown[];
    fields?: object;
    locationId?: string;
  },
  ctx: ToolContext,
): Promise<CurrentState> {
  const related = (id: string) =>
    Promise.all([
      args.tasks?.length ? ctx.ghl.listTasks(id).then((r) => r.tasks ?? []) : [],
      args.notes?.length ? ctx.ghl.listNotes(id).then((r) => r.notes ?? []) : [],
    ]);
  if (args.contactId) {
    const [{ contact }, [tasks, notes]] = await Promise.all([
      ctx.ghl.getContact(args.contactId),
      related(args.contactId),
    ]);
    return { contact, tasks, notes };
  }
  const contact = await findByEmail(args.email as string, Object.keys(args.fields ?? {}), args, ctx);
  if (!contact) return { contact: undefined, tasks: [], notes: [] };
  const [tasks, notes] = await related(contact.id);
  return { contact, tasks, notes };
}

/**
 * Finds the contact with exactly this email. The search answer is used as is when it carries
 * every field being synced; otherwise the full contact is read, so the diff is never guessed.
 */
async function findByEmail(
  email: string,
  fieldNames: string[],
  args: { locationId?: string },
  ctx: ToolContext,
): Promise<Contact | undefined> {
  const { contacts = [] } = await ctx.ghl.searchContacts({
    locationId: requireLocation(args, ctx),
    pageLimit: 10,
    filters: [{ field: "email", operator: "eq", value: email }],
  });
  const matches = contacts.filter((c) => c.email?.trim().toLowerCase() === email.toLowerCase());
  if (matches.length > 1) {
    throw new ToolInputError(
      `${matches.length} contacts have the email ${email} (${matches.map((c) => c.id).join(", ")}). Pass contactId instead.`,
      false,
    );
  }
  const found = matches[0];
  if (!found) return undefined;
  const complete = ["tags", ...fieldNames].every((name) => name in found);
  return complete ? found : (await ctx.ghl.getContact(found.id)).contact;
}

type FieldChange = { field: string; from: unknown; to: unknown };

function newFields(fields: Fields, email: string | undefined): FieldChange[] {
  const changes = Object.entries(fields).flatMap(([field, to]): FieldChange[] =>
    field === "customFields"
      ? (to as CustomField[]).map((cf) => ({ field: `customFields.${cf.id}`, from: null, to: cf.value }))
      : [{ field, from: null, to }],
  );
  return email && !("email" in fields) ? [{ field: "email", from: null, to: email }, ...changes] : changes;
}

export function diffFields(contact: Contact, fields: Fields): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(fields)) {
    if (to === undefined) continue;
    if (field === "customFields") {
      const current = new Map((contact.customFields ?? []).map((cf) => [cf.id, cf.value]));
      for (const cf of to as CustomField[]) {
        const from = current.get(cf.id);
        if (!sameValue(from, cf.value))
          changes.push({ field: `customFields.${cf.id}`, from: from ?? null, to: cf.value });
      }
      continue;
    }
    const from = (contact as Record<string, unknown>)[field];
    if (!sameField(field, from, to)) changes.push({ field, from: from ?? null, to });
  }
  return changes;
}

/** The PUT body: only changed fields, and of custom fields only the changed ones. */
function contactUpdate(fields: Fields, changes: FieldChange[]): ContactWrite {
  const changed = new Set(changes.map((c) => c.field));
  const update: Fields = {};
  for (const [field, value] of Object.entries(fields)) {
    if (changed.has(field)) (update as Record<string, unknown>)[field] = value;
  }
  const customFields = fields.customFields?.filter((cf) => changed.has(`customFields.${cf.id}`));
  if (customFields?.length) update.customFields = customFields;
  return toGhlContact(update) as ContactWrite;
}

/** Compares as GHL stores values: emails case-insensitively, phones by digits, dates by day. */
function sameField(field: string, from: unknown, to: unknown): boolean {
  if (typeof to === "string") {
    const current = typeof from === "string" ? from.trim() : "";
    switch (field) {
      case "email":
      case "country":
      case "website":
        return current.toLowerCase() === to.trim().toLowerCase();
      case "phone":
        return samePhone(current, to);
      case "dateOfBirth":
        return current.slice(0, 10) === to;
      default:
        return current === to.trim();
    }
  }
  if (typeof to === "boolean") return (from ?? false) === to;
  return sameValue(from, to);
}

/** GHL stores E.164 (+14155550142); people write 415-555-0142 or (415) 555 0142. */
function samePhone(a: string, b: string): boolean {
  const da = a.replace(/\D/g, "");
  const db = b.replace(/\D/g, "");
  if (da === db) return true;
  const [longer, shorter] = da.length >= db.length ? [da, db] : [db, da];
  return shorter.length >= 10 && longer.endsWith(shorter);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** An open task with the title wins over a completed one, so a finished task is not reopened by accident. */
function matchTask(tasks: Task[], title: string): Task | undefined {
  const key = titleKey(title);
  const same = tasks.filter((t) => titleKey(t.title) === key);
  return same.find((t) => t.completed !== true) ?? same[0];
}

function taskUpdate(task: Task, wanted: TaskInput): TaskWrite {
  const update: TaskWrite = {};
  if (!sameInstant(task.dueDate, wanted.dueDate)) update.dueDate = wanted.dueDate;
  if (wanted.body !== undefined && wanted.body !== (task.body ?? "")) update.body = wanted.body;
  if (wanted.completed !== undefined && wanted.completed !== (task.completed ?? false)) {
    update.completed = wanted.completed;
  }
  if (wanted.assignedTo !== undefined && wanted.assignedTo !== task.assignedTo)
    update.assignedTo = wanted.assignedTo;
  return update;
}
