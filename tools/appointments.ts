import { z } from "zod";
import { eventSchema } from "../src/ghl/schemas.js";
import { CONTACTS_READ } from "../src/scopes.js";
import { defineTool } from "../src/tool.js";
import { READ } from "./annotations.js";
import { contactId } from "./params.js";

export const listAppointments = defineTool({
  name: "list_appointments",
  title: "List appointments",
  description: "List a contact's calendar appointments with start/end times and status.",
  toolset: "appointments",
  access: "read",
  scopes: [CONTACTS_READ],
  input: z.strictObject({ contactId }),
  output: z.object({ events: z.array(eventSchema) }),
  annotations: READ,
  async handler({ contactId }, { ghl }) {
    const { events } = await ghl.listAppointments(contactId);
    return { events: events ?? [] };
  },
});
