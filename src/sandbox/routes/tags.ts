// Adding and removing tags. Both answer with the contact's whole tag list afterwards.

import { normalizeTags } from "../normalize.js";
import { type Reply, type RequestContext, type Route, requireContact } from "../router.js";
import { asBody, Validator } from "../validate.js";

function readTags(ctx: RequestContext): string[] {
  const v = new Validator(asBody(ctx.body)).whitelist(["tags"]);
  const tags = v.stringArray("tags", { required: true, notEmpty: true });
  v.throwIfInvalid();
  return normalizeTags(tags ?? []);
}

function addTags(ctx: RequestContext): Reply {
  const tags = readTags(ctx);
  const contact = requireContact(ctx);
  contact.tags = normalizeTags([...contact.tags, ...tags]);
  contact.dateUpdated = new Date().toISOString();
  return { status: 201, body: { tags: contact.tags } };
}

function removeTags(ctx: RequestContext): Reply {
  const tags = readTags(ctx);
  const contact = requireContact(ctx);
  contact.tags = contact.tags.filter((t) => !tags.includes(t.toLowerCase()));
  contact.dateUpdated = new Date().toISOString();
  return { status: 200, body: { tags: contact.tags } };
}

export const tagRoutes: Route[] = [
  { method: "POST", path: "/contacts/:contactId/tags", scope: "contacts.write", handler: addTags },
  { method: "DELETE", path: "/contacts/:contactId/tags", scope: "contacts.write", handler: removeTags },
];
