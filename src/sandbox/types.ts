// Records the sandbox keeps in memory. Field names follow the response schemas of
// contacts.json (GetContectByIdSchema, TaskSchema, GetNoteSchema, GetEventSchema), so a record
// can be sent as-is; optional fields are left undefined and therefore absent from the JSON,
// the way GHL omits fields a contact never had.

export type DndStatus = "active" | "inactive" | "permanent";

export interface DndSetting {
  status: DndStatus;
  message?: string;
  code?: string;
}

export type DndChannel = "Call" | "Email" | "SMS" | "WhatsApp" | "GMB" | "FB";

export type DndSettings = Partial<Record<DndChannel, DndSetting>>;

/** Read shape of a custom field value: `[{id, value}]` (the write shape uses `field_value`). */
export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface AttributionSource {
  url: string;
  campaign?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  referrer?: string | null;
  medium?: string | null;
  mediumId?: string | null;
}

export interface ContactRecord {
  id: string;
  locationId: string;
  dateAdded: string;
  dateUpdated: string;
  type: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  firstNameLowerCase?: string;
  lastNameLowerCase?: string;
  fullNameLowerCase?: string;
  email?: string;
  emailLowerCase?: string;
  phone?: string;
  companyName?: string;
  gender?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  website?: string;
  timezone?: string;
  source?: string;
  assignedTo?: string;
  dateOfBirth?: string;
  businessId?: string;
  dnd: boolean;
  dndSettings?: DndSettings;
  inboundDndSettings?: { all?: { status: "active" | "inactive"; message?: string } };
  tags: string[];
  customFields: CustomFieldValue[];
  attributionSource?: AttributionSource;
  lastActivity?: string;
  followers: string[];
}

export interface TaskRecord {
  id: string;
  contactId: string;
  title: string;
  body?: string;
  assignedTo?: string;
  dueDate: string;
  completed: boolean;
  dateAdded: string;
  dateUpdated: string;
}

export interface NoteRecord {
  id: string;
  contactId: string;
  body: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned: boolean;
  dateAdded: string;
}

/** GetEventSchema. Times use the spec's own example format "YYYY-MM-DD HH:mm:ss", not ISO. */
export interface EventRecord {
  id: string;
  calendarId: string;
  locationId: string;
  contactId: string;
  title: string;
  status: string;
  appointmentStatus: string;
  assignedUserId: string;
  users: string[];
  notes?: string;
  address?: string;
  groupId?: string;
  startTime: string;
  endTime: string;
  dateAdded: string;
  dateUpdated: string;
  assignedResources: string[];
}
