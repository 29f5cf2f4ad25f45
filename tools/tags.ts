import { z } from "zod";
import { CONTACTS_WRITE } from "../src/scopes.js";
import { defineTool } from "../src/tool.js";
import { ADD, DELETE } from "./annotations.js";
import { contactId, tagList } from "./params.js";

const tagsOut = z.object({ tags: z.array(z.string()).describe("The contact's tags afterwards") });

export const addTags = defineTool({
  name: "add_tags",
  title: "Add tags",
  description: "Add tags to a contact; tags it already has are kept once. Returns all its tags.",
  toolset: "tags",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, tags: tagList }),
  output: tagsOut,
  annotations: ADD,
  async handler({ contactId, tags }, { ghl }) {
    const result = await ghl.addTags(contactId, tags);
    return { tags: result.tags ?? [] };
  },
});

export const removeTags = defineTool({
  name: "remove_tags",
  title: "Remove tags",
  description: "Remove tags from a contact; tags it lacks are ignored. Returns all its tags.",
  toolset: "tags",
  access: "write",
  scopes: [CONTACTS_WRITE],
  input: z.strictObject({ contactId, tags: tagList }),
  output: tagsOut,
  annotations: DELETE,
  async handler({ contactId, tags }, { ghl }) {
    const result = await ghl.removeTags(contactId, tags);
    return { tags: result.tags ?? [] };
  },
});
