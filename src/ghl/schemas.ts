/**
 * GHL entities as they come back from the API. Objects are loose on purpose: GHL adds fields
 * without notice, and an unknown field must pass through to the agent rather than fail output
 * validation. Fields are nullish because GHL sends `null` for many empty values.
 */
import { z } from "zod";

const str = z.string().nullish();
const bool = z.boolean().nullish();
const strList = z.array(z.string()).nullish();

export const customFieldValue = z.looseObject({ id: z.string(), value: z.unknown().optional() });

export const contactSchema = z.looseObject({
  id: z.string(),
  locationId: str,
  name: str,
  firstName: str,
  lastName: str,
  email: str,
  phone: str,
  companyName: str,
  address1: str,
  city: str,
  state: str,
  postalCode: str,
  country: str,
  website: str,
  timezone: str,
  dnd: bool,
  source: str,
  type: str,
  assignedTo: str,
  businessId: str,
  tags: strList,
  customFields: z.array(customFieldValue).nullish(),
  dateOfBirth: str,
  dateAdded: str,
  dateUpdated: str,
});
export type Contact = z.infer<typeof contactSchema>;

export const taskSchema = z.looseObject({
  id: z.string(),
  contactId: str,
  title: str,
  body: str,
  dueDate: str,
  completed: bool,
  assignedTo: str,
  dateAdded: str,
});
export type Task = z.infer<typeof taskSchema>;

export const noteSchema = z.looseObject({
  id: z.string(),
  contactId: str,
  body: str,
  title: str,
  userId: str,
  color: str,
  pinned: bool,
  dateAdded: str,
});
export type Note = z.infer<typeof noteSchema>;

export const eventSchema = z.looseObject({
  id: z.string(),
  calendarId: str,
  contactId: str,
  title: str,
  status: str,
  appointmentStatus: str,
  assignedUserId: str,
  startTime: str,
  endTime: str,
  address: str,
  notes: str,
  dateAdded: str,
});
export type AppointmentEvent = z.infer<typeof eventSchema>;

/** Body of the contact create/update calls (only what we send; GHL's DTO is wider). */
export interface ContactWrite {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  country?: string;
  website?: string | null;
  timezone?: string | null;
  dnd?: boolean;
  source?: string | null;
  gender?: string;
  dateOfBirth?: string | null;
  assignedTo?: string | null;
  tags?: string[];
  customFields?: Array<{ id?: string; key?: string; field_value?: unknown }>;
}

export interface TaskWrite {
  title?: string;
  body?: string;
  dueDate?: string;
  completed?: boolean;
  assignedTo?: string;
}

export interface NoteWrite {
  body?: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

export type SearchFilter =
  | { field: string; operator: string; value?: unknown }
  | { group: "AND" | "OR"; filters: Array<{ field: string; operator: string; value?: unknown }> };

export interface SearchBody {
  locationId: string;
  pageLimit: number;
  page?: number;
  query?: string;
  filters?: SearchFilter[];
  sort?: Array<{ field: string; direction: "asc" | "desc" }>;
}
