// A contact's appointments. Read-only here: appointments are booked through the Calendars API.

import { type Reply, type RequestContext, type Route, requireContact } from "../router.js";

function listAppointments(ctx: RequestContext): Reply {
  const contact = requireContact(ctx);
  return { status: 200, body: { events: ctx.store.events(ctx.locationId, contact.id) } };
}

export const appointmentRoutes: Route[] = [
  {
    method: "GET",
    path: "/contacts/:contactId/appointments",
    scope: "contacts.readonly",
    handler: listAppointments,
  },
];
