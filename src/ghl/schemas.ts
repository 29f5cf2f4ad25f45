/**
 * GHL entities as they come back from the API. Objects are loose on purpose: GHL adds fields
 * without notice, and an unknown field must pass through to the agent rather than fail output
 * validation. GHL's `null`s are dropped on the way out (see `record`).
 */
import { z } from "zod";

const str = z.string().optional();
const bool = z.boolean().optional();

/** GHL sends `null` for many empty fields; agents read fewer tokens (and schemas stay simple) without them. */
function withoutNulls(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** A GHL record: nulls dropped, unknown fields kept. */
const record = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.preprocess(withoutNulls, z.looseObject(shape));

/*
 * Each record declares only its id and the few fields agents use most: every byte of an output
 * schema is paid in every conversation's tools/list. The rest of GHL's fields pass through.
 */
export const contactSchema = record({
  id: z.string(),
  firstName: str,
  lastName: str,
  email: str,
  phone: str,
  tags: z.array(z.string()).optional(),
});
export type Contact = z.infer<typeof contactSchema> & ContactExtras;

/** Fields GHL sends that the code reads but the advertised schema leaves implicit. */
interface ContactExtras {
  name?: string | null;
  companyName?: string | null;
  locationId?: string | null;
  businessId?: string | null;
  dateAdded?: string | null;
  customFields?: Array<{ id: string; value?: unknown }> | null;
  [key: string]: unknown;
}

export const taskSchema = record({
  id: z.string(),
  title: str,
  dueDate: str,
  completed: bool,
});
export type Task = z.infer<typeof taskSchema> & {
  body?: string | null;
  dateAdded?: string | null;
  assignedTo?: string | null;
  contactId?: string | null;
};

export const noteSchema = record({ id: z.string(), body: str, dateAdded: str });
export type Note = z.infer<typeof noteSchema>;

export const eventSchema = record({ id: z.string(), title: str, startTime: str, endTime: str });
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
