import { z } from "zod";
import { CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool, ToolInputError } from "../src/tool.js";
import { missingTags, overlappingTags, presentTags, runWrites, type WriteStep } from "./composite-support.js";
import { contactId, tagList } from "./params.js";

export const setContactTags = defineTool({
  name: "set_contact_tags",
  title: "Set contact tags",
  description:
    "Bring a contact's tags to a desired state: adds only missing tags, removes only present ones; " +
    "no write when already so. Prefer it to add_tags/remove_tags.",
  toolset: "tags",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z
    .strictObject({
      contactId,
      add: tagList.optional().describe("Tags the contact must have"),
      remove: tagList.optional().describe("Tags the contact must not have"),
    })
    .refine((a) => a.add || a.remove, { message: "give `add`, `remove` or both" }),
  output: z.object({
    tags: z.array(z.string()).describe("The contact's tags afterwards"),
    added: z.array(z.string()),
    removed: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ contactId, add = [], remove = [] }, ctx) {
    const both = overlappingTags(add, remove);
    if (both.length)
      throw new ToolInputError(`Tag ${both.map((t) => `"${t}"`).join(", ")} is in both add and remove.`);

    const { contact } = await ctx.ghl.getContact(contactId);
    let tags = contact.tags ?? [];
    const added = missingTags(tags, add);
    const removed = presentTags(tags, remove);
    // Each answer carries the contact's full tag list afterwards; keep the latest.
    const steps: WriteStep[] = [];
    if (added.length) {
      steps.push({
        label: `add tags ${added.join(", ")}`,
        run: async () => {
          tags = (await ctx.ghl.withBefore({ tags }).addTags(contactId, added)).tags ?? tags;
        },
      });
    }
    if (removed.length) {
      steps.push({
        label: `remove tags ${removed.join(", ")}`,
        run: async () => {
          tags = (await ctx.ghl.withBefore({ tags }).removeTags(contactId, removed)).tags ?? tags;
        },
      });
    }
    await runWrites(steps, ctx);
    return { tags, added, removed };
  },
});
