/**
 * GHL OAuth scopes. Only the two contacts scopes gate tools here; the rest are listed so that a
 * token's full scope string (copied from the GHL UI) is accepted, while a typo is refused at start.
 * Source: HighLevel's docs/oauth/Scopes.md.
 */
export const CONTACTS_READ = "contacts.readonly";
export const CONTACTS_WRITE = "contacts.write";
export type ToolScope = typeof CONTACTS_READ | typeof CONTACTS_WRITE;

const OTHER_GHL_SCOPES = `
blogs/author.readonly blogs/category.readonly blogs/check-slug.readonly blogs/list.readonly
blogs/post-update.write blogs/post.write blogs/posts.readonly businesses.readonly businesses.write
calendars.readonly calendars.write calendars/events.readonly calendars/events.write
calendars/groups.readonly calendars/groups.write calendars/resources.readonly calendars/resources.write
campaigns.readonly conversations.readonly conversations.write conversations/livechat.write
conversations/message.readonly conversations/message.write courses.write emails/builder.readonly
emails/builder.write emails/schedule.readonly forms.readonly funnels/funnel.readonly funnels/page.readonly
funnels/pagecount.readonly funnels/redirect.readonly funnels/redirect.write invoices.readonly
invoices.write invoices/schedule.readonly invoices/schedule.write invoices/template.readonly
invoices/template.write links.readonly links.write locations.readonly locations.write
locations/customFields.readonly locations/customFields.write locations/customValues.readonly
locations/customValues.write locations/tags.readonly locations/tags.write locations/tasks.readonly
locations/tasks.write locations/templates.readonly medias.readonly medias.write oauth.readonly oauth.write
objects/record.readonly objects/record.write objects/schema.readonly objects/schema.write
opportunities.readonly opportunities.write payments/integration.readonly payments/integration.write
payments/orders.readonly payments/orders.write payments/subscriptions.readonly
payments/transactions.readonly products.readonly products.write products/prices.readonly
products/prices.write saas/company.write saas/location.write snapshots.readonly
socialplanner/account.readonly socialplanner/account.write socialplanner/category.readonly
socialplanner/csv.readonly socialplanner/csv.write socialplanner/oauth.readonly socialplanner/oauth.write
socialplanner/post.readonly socialplanner/post.write socialplanner/tag.readonly surveys.readonly
users.readonly users.write workflows.readonly
`
  .split(/\s+/)
  .filter(Boolean);

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  CONTACTS_READ,
  CONTACTS_WRITE,
  ...OTHER_GHL_SCOPES,
]);

/** Splits a scope list as GHL writes it (space separated) or as people type it (commas). */
export function parseScopeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
