// Demo data: a small, realistic sub-account. Everything is deterministic (ids are hashed from
// the location id and a fixed key, dates are fixed in 2026) so demos, docs and snapshots stay
// stable from run to run, while two seeded locations never share an id.

import { createHash } from "node:crypto";
import { deriveNameFields, normalizePhone, normalizeTags } from "./normalize.js";
import type {
  ContactRecord,
  CustomFieldValue,
  DndSettings,
  EventRecord,
  NoteRecord,
  TaskRecord,
} from "./types.js";

/** The demo sub-account; the example location id of HighLevel's own spec. */
export const DEMO_LOCATION_ID = "ve9EPM428h8vShlRW1KT";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A stable 20-char alphanumeric id for `key` in `locationId`. */
export function seedId(locationId: string, key: string): string {
  const bytes = createHash("sha256").update(`${locationId}:${key}`).digest();
  let id = "";
  for (let i = 0; i < 20; i++) id += ALPHANUMERIC[(bytes[i] ?? 0) % ALPHANUMERIC.length];
  return id;
}

/** A stable 24-hex business id (GHL business ids are Mongo ObjectIds). */
export function seedBusinessId(locationId: string, key: string): string {
  return createHash("sha256").update(`${locationId}:business:${key}`).digest("hex").slice(0, 24);
}

/** The first demo contact: the best-filled one, with tasks, notes and appointments. */
export const DEMO_CONTACT_ID = seedId(DEMO_LOCATION_ID, "contact:maya-patel");
/** BrightPath Analytics, shared by three demo contacts. */
export const DEMO_BUSINESS_ID = seedBusinessId(DEMO_LOCATION_ID, "brightpath");

type UserKey = "ava" | "marco" | "jin";
type BusinessKey = "brightpath" | "northwind";

/** A demo contact: the record's own fields, plus keys that the seeding turns into ids and values. */
type ContactSeed = Pick<
  ContactRecord,
  | "firstName"
  | "lastName"
  | "email"
  | "phone"
  | "companyName"
  | "address1"
  | "city"
  | "state"
  | "postalCode"
  | "country"
  | "website"
  | "timezone"
  | "source"
  | "gender"
  | "dateOfBirth"
  | "attributionSource"
  | "dateAdded"
  | "lastActivity"
> & {
  key: string;
  dnd?: boolean;
  dndSettings?: DndSettings;
  business?: BusinessKey;
  assignedTo?: UserKey;
  tags: string[];
  customFields?: Record<string, string>;
};

// Two contacts (liam-obrien, hannah-schmidt) share a dateAdded so that pagination has to break
// the tie on id.
const CONTACTS: ContactSeed[] = [
  {
    key: "maya-patel",
    firstName: "Maya",
    lastName: "Patel",
    email: "maya.patel@brightpath.io",
    phone: "+1 415-555-0142",
    companyName: "BrightPath Analytics",
    address1: "2150 Mission St",
    city: "San Francisco",
    state: "CA",
    postalCode: "94110",
    country: "US",
    website: "https://brightpath.io",
    timezone: "America/Los_Angeles",
    source: "website form",
    gender: "female",
    dateOfBirth: "1988-04-12",
    business: "brightpath",
    assignedTo: "ava",
    dndSettings: { SMS: { status: "inactive" }, Email: { status: "inactive" }, Call: { status: "inactive" } },
    tags: ["customer", "vip", "newsletter"],
    customFields: { plan: "Enterprise", "lifetime-value": "12400", "preferred-contact-time": "Mornings" },
    attributionSource: {
      url: "https://brightpath.io/demo-request",
      utmSource: "google",
      utmMedium: "cpc",
      campaign: "q1-analytics",
      referrer: "https://www.google.com",
      medium: "form",
    },
    dateAdded: "2026-01-06T15:04:12.000Z",
    lastActivity: "2026-03-18T17:22:40.000Z",
  },
  {
    key: "daniel-okafor",
    firstName: "Daniel",
    lastName: "Okafor",
    email: "daniel.okafor@brightpath.io",
    phone: "+1 510-555-0178",
    companyName: "BrightPath Analytics",
    city: "Oakland",
    state: "CA",
    country: "US",
    timezone: "America/Los_Angeles",
    source: "referral",
    business: "brightpath",
    assignedTo: "ava",
    tags: ["lead"],
    customFields: { plan: "Team" },
    dateAdded: "2026-01-09T18:30:00.000Z",
  },
  {
    key: "sofia-alvarez",
    firstName: "Sofía",
    lastName: "Álvarez",
    email: "sofia.alvarez@lumen-estudio.es",
    phone: "+34 612 345 678",
    companyName: "Lumen Estudio",
    address1: "Calle de Alcalá 48",
    city: "Madrid",
    postalCode: "28014",
    country: "ES",
    timezone: "Europe/Madrid",
    source: "facebook ads",
    assignedTo: "marco",
    dnd: true,
    dndSettings: {
      SMS: { status: "active", message: "Opted out by reply STOP", code: "STOP" },
      Email: { status: "active" },
      Call: { status: "active" },
      WhatsApp: { status: "active" },
    },
    tags: ["lead", "newsletter"],
    dateAdded: "2026-01-14T09:12:45.000Z",
  },
  {
    key: "liam-obrien",
    firstName: "Liam",
    lastName: "O'Brien",
    email: "liam@obrien-joinery.ie",
    phone: "+353 86 123 4567",
    companyName: "O'Brien Joinery",
    city: "Dublin",
    country: "IE",
    timezone: "Europe/Dublin",
    source: "trade show",
    assignedTo: "jin",
    tags: ["customer"],
    dateAdded: "2026-01-20T11:00:00.000Z",
  },
  {
    key: "hannah-schmidt",
    firstName: "Hannah",
    lastName: "Schmidt",
    email: "h.schmidt@schmidt-kern.de",
    phone: "+49 30 901820",
    companyName: "Schmidt & Kern GmbH",
    address1: "Torstraße 109",
    city: "Berlin",
    postalCode: "10119",
    country: "DE",
    website: "https://schmidt-kern.de",
    timezone: "Europe/Berlin",
    source: "website form",
    business: "northwind",
    assignedTo: "marco",
    tags: ["customer", "newsletter"],
    dateAdded: "2026-01-20T11:00:00.000Z",
  },
  {
    key: "kenji-watanabe",
    firstName: "Kenji",
    lastName: "Watanabe",
    email: "kenji.watanabe@sakura-logistics.jp",
    phone: "+81 3-1234-5678",
    companyName: "Sakura Logistics",
    city: "Tokyo",
    country: "JP",
    timezone: "Asia/Tokyo",
    source: "linkedin",
    assignedTo: "jin",
    tags: ["lead"],
    dateAdded: "2026-02-02T02:15:30.000Z",
  },
  {
    key: "amara-nwosu",
    firstName: "Amara",
    lastName: "Nwosu",
    email: "amara.nwosu@brightpath.io",
    phone: "+1 512-555-0109",
    companyName: "BrightPath Analytics",
    city: "Austin",
    state: "TX",
    country: "US",
    timezone: "America/Chicago",
    source: "referral",
    business: "brightpath",
    assignedTo: "ava",
    tags: ["customer", "newsletter"],
    dateAdded: "2026-02-10T16:45:00.000Z",
  },
  {
    key: "ethan-brooks",
    firstName: "Ethan",
    lastName: "Brooks",
    email: "ethan.brooks@gmail.com",
    phone: "+1 312-555-0196",
    city: "Chicago",
    state: "IL",
    country: "US",
    timezone: "America/Chicago",
    source: "facebook ads",
    tags: ["lead"],
    dateAdded: "2026-02-17T21:05:10.000Z",
  },
  {
    key: "priya-raman",
    firstName: "Priya",
    lastName: "Raman",
    email: "priya@ramanlegal.ca",
    phone: "+1 416-555-0133",
    companyName: "Raman Legal",
    address1: "120 Adelaide St W",
    city: "Toronto",
    state: "ON",
    postalCode: "M5H 1T1",
    country: "CA",
    timezone: "America/Toronto",
    source: "referral",
    dateOfBirth: "1979-11-02",
    assignedTo: "ava",
    tags: ["customer", "vip"],
    customFields: { plan: "Professional", "preferred-contact-time": "Afternoons" },
    dateAdded: "2026-02-24T14:20:00.000Z",
    lastActivity: "2026-03-12T10:05:00.000Z",
  },
  {
    key: "lucas-martin",
    firstName: "Lucas",
    lastName: "Martin",
    email: "lucas.martin@atelier-martin.fr",
    phone: "+33 6 12 34 56 78",
    companyName: "Atelier Martin",
    city: "Lyon",
    country: "FR",
    timezone: "Europe/Paris",
    source: "website form",
    dnd: true,
    dndSettings: { Call: { status: "permanent", message: "Asked not to be called" } },
    tags: ["lead", "newsletter"],
    dateAdded: "2026-03-03T08:40:00.000Z",
  },
  {
    key: "grace-kim",
    firstName: "Grace",
    lastName: "Kim",
    email: "grace.kim@outlook.com",
    city: "Seattle",
    state: "WA",
    country: "US",
    timezone: "America/Los_Angeles",
    source: "newsletter signup",
    tags: ["newsletter"],
    dateAdded: "2026-03-09T19:55:00.000Z",
  },
  {
    key: "ahmed-hassan",
    firstName: "Ahmed",
    lastName: "Hassan",
    phone: "(602) 555-0187",
    city: "Phoenix",
    state: "AZ",
    country: "US",
    timezone: "America/Phoenix",
    source: "inbound call",
    assignedTo: "marco",
    tags: ["lead"],
    dateAdded: "2026-03-16T17:30:00.000Z",
  },
];

interface TaskSeed {
  contact: string;
  title: string;
  body?: string;
  dueDate: string;
  completed: boolean;
  assignedTo?: UserKey;
  dateAdded: string;
}

const TASKS: TaskSeed[] = [
  {
    contact: "maya-patel",
    title: "Send renewal proposal",
    body: "Enterprise renewal: include the SSO add-on and the 3-year discount option.",
    dueDate: "2026-04-02T17:00:00.000Z",
    completed: false,
    assignedTo: "ava",
    dateAdded: "2026-03-10T16:00:00.000Z",
  },
  {
    contact: "maya-patel",
    title: "Schedule quarterly business review",
    dueDate: "2026-02-20T18:00:00.000Z",
    completed: true,
    assignedTo: "ava",
    dateAdded: "2026-02-01T16:00:00.000Z",
  },
  {
    contact: "maya-patel",
    title: "Confirm SSO requirements with IT",
    body: "They use Okta; ask for the SAML metadata URL.",
    dueDate: "2026-03-27T16:00:00.000Z",
    completed: false,
    assignedTo: "jin",
    dateAdded: "2026-03-12T09:30:00.000Z",
  },
  {
    contact: "maya-patel",
    title: "Share onboarding recording",
    dueDate: "2026-01-13T17:00:00.000Z",
    completed: true,
    dateAdded: "2026-01-06T15:30:00.000Z",
  },
  {
    contact: "daniel-okafor",
    title: "Follow up on Team plan trial",
    dueDate: "2026-03-25T17:00:00.000Z",
    completed: false,
    assignedTo: "ava",
    dateAdded: "2026-03-11T12:00:00.000Z",
  },
  {
    contact: "liam-obrien",
    title: "Send invoice for workshop fit-out",
    dueDate: "2026-02-05T12:00:00.000Z",
    completed: true,
    assignedTo: "jin",
    dateAdded: "2026-01-28T10:00:00.000Z",
  },
  {
    contact: "liam-obrien",
    title: "Ask for a testimonial",
    dueDate: "2026-04-15T10:00:00.000Z",
    completed: false,
    assignedTo: "jin",
    dateAdded: "2026-03-02T10:00:00.000Z",
  },
  {
    contact: "ethan-brooks",
    title: "Call back about pricing",
    body: "Asked about monthly vs annual billing.",
    dueDate: "2026-03-20T15:00:00.000Z",
    completed: false,
    dateAdded: "2026-02-18T09:00:00.000Z",
  },
  {
    contact: "priya-raman",
    title: "Prepare contract amendment",
    dueDate: "2026-03-30T14:00:00.000Z",
    completed: false,
    assignedTo: "ava",
    dateAdded: "2026-03-05T14:00:00.000Z",
  },
  {
    contact: "priya-raman",
    title: "Book training session for paralegals",
    dueDate: "2026-03-06T15:00:00.000Z",
    completed: true,
    assignedTo: "marco",
    dateAdded: "2026-02-25T15:00:00.000Z",
  },
  {
    contact: "priya-raman",
    title: "Check in after first month",
    dueDate: "2026-04-24T14:00:00.000Z",
    completed: false,
    assignedTo: "ava",
    dateAdded: "2026-03-12T10:10:00.000Z",
  },
];

interface NoteSeed {
  contact: string;
  body: string;
  title?: string;
  color?: string;
  pinned?: boolean;
  user?: UserKey;
  dateAdded: string;
}

const NOTES: NoteSeed[] = [
  {
    contact: "maya-patel",
    title: "Account summary",
    body: "VP of Data at BrightPath. Decision maker for the analytics budget; prefers email, mornings PT.",
    color: "#FFAA00",
    pinned: true,
    user: "ava",
    dateAdded: "2026-01-06T15:20:00.000Z",
  },
  {
    contact: "maya-patel",
    title: "QBR notes",
    body: "Happy with dashboards; wants SSO and audit logs before renewing for three years.",
    user: "ava",
    dateAdded: "2026-02-19T19:10:00.000Z",
  },
  {
    contact: "maya-patel",
    body: "Called about renewal timing: budget approved in April.",
    user: "jin",
    dateAdded: "2026-03-18T17:22:40.000Z",
  },
  {
    contact: "daniel-okafor",
    body: "Referred by Maya Patel. Evaluating the Team plan for the Oakland office.",
    user: "ava",
    dateAdded: "2026-01-09T18:45:00.000Z",
  },
  {
    contact: "sofia-alvarez",
    body: "Replied STOP to the February SMS campaign. Email only if she writes first.",
    color: "#E53935",
    pinned: true,
    user: "marco",
    dateAdded: "2026-02-03T10:00:00.000Z",
  },
  {
    contact: "hannah-schmidt",
    title: "Invoice address",
    body: "Invoices go to buchhaltung@schmidt-kern.de, VAT ID on file.",
    user: "marco",
    dateAdded: "2026-01-21T08:00:00.000Z",
  },
  {
    contact: "hannah-schmidt",
    body: "Interested in the German-language onboarding.",
    user: "marco",
    dateAdded: "2026-02-11T13:30:00.000Z",
  },
  {
    contact: "priya-raman",
    body: "Needs data residency in Canada; confirmed our Montreal region works.",
    user: "ava",
    dateAdded: "2026-02-24T15:00:00.000Z",
  },
];

interface EventSeed {
  key: string;
  contact: string;
  title: string;
  status: string;
  appointmentStatus: string;
  user: UserKey;
  calendar: "discovery" | "onboarding";
  startTime: string;
  endTime: string;
  notes?: string;
  address?: string;
  dateAdded: string;
}

const EVENTS: EventSeed[] = [
  {
    key: "maya-qbr",
    contact: "maya-patel",
    title: "Quarterly business review",
    status: "confirmed",
    appointmentStatus: "showed",
    user: "ava",
    calendar: "onboarding",
    startTime: "2026-02-19 18:00:00",
    endTime: "2026-02-19 19:00:00",
    notes: "Agenda: usage, SSO roadmap, renewal.",
    address: "https://meet.google.com/bpa-qbr-q1",
    dateAdded: "2026-02-01 16:05:00",
  },
  {
    key: "maya-renewal",
    contact: "maya-patel",
    title: "Renewal call",
    status: "booked",
    appointmentStatus: "confirmed",
    user: "ava",
    calendar: "discovery",
    startTime: "2026-04-07 16:30:00",
    endTime: "2026-04-07 17:00:00",
    address: "https://meet.google.com/bpa-renewal",
    dateAdded: "2026-03-18 17:30:00",
  },
  {
    key: "liam-site-visit",
    contact: "liam-obrien",
    title: "Site visit",
    status: "cancelled",
    appointmentStatus: "cancelled",
    user: "jin",
    calendar: "onboarding",
    startTime: "2026-02-12 10:00:00",
    endTime: "2026-02-12 11:30:00",
    address: "Unit 4, Ballymount Industrial Estate, Dublin",
    dateAdded: "2026-01-29 09:00:00",
  },
  {
    key: "kenji-discovery",
    contact: "kenji-watanabe",
    title: "Discovery call",
    status: "booked",
    appointmentStatus: "new",
    user: "jin",
    calendar: "discovery",
    startTime: "2026-04-09 00:00:00",
    endTime: "2026-04-09 00:30:00",
    dateAdded: "2026-03-14 01:00:00",
  },
  {
    key: "priya-training",
    contact: "priya-raman",
    title: "Paralegal training",
    status: "confirmed",
    appointmentStatus: "showed",
    user: "marco",
    calendar: "onboarding",
    startTime: "2026-03-06 15:00:00",
    endTime: "2026-03-06 16:00:00",
    notes: "Six attendees.",
    dateAdded: "2026-02-25 15:10:00",
  },
];

export interface DemoData {
  contacts: ContactRecord[];
  tasks: TaskRecord[];
  notes: NoteRecord[];
  events: EventRecord[];
}

/** Builds the demo data set for one location. */
export function demoData(locationId: string): DemoData {
  const id = (key: string) => seedId(locationId, key);
  const contactId = (key: string) => id(`contact:${key}`);
  const userId = (key: UserKey) => id(`user:${key}`);

  const contacts = CONTACTS.map((seed): ContactRecord => {
    const customFields: CustomFieldValue[] = Object.entries(seed.customFields ?? {}).map(([key, value]) => ({
      id: id(`custom-field:${key}`),
      value,
    }));
    const contact: ContactRecord = {
      id: contactId(seed.key),
      locationId,
      dateAdded: seed.dateAdded,
      dateUpdated: seed.lastActivity ?? seed.dateAdded,
      type: "lead",
      firstName: seed.firstName,
      lastName: seed.lastName,
      email: seed.email,
      phone: seed.phone === undefined ? undefined : normalizePhone(seed.phone),
      companyName: seed.companyName,
      gender: seed.gender,
      address1: seed.address1,
      city: seed.city,
      state: seed.state,
      postalCode: seed.postalCode,
      country: seed.country,
      website: seed.website,
      timezone: seed.timezone,
      source: seed.source,
      assignedTo: seed.assignedTo === undefined ? undefined : userId(seed.assignedTo),
      dateOfBirth: seed.dateOfBirth === undefined ? undefined : `${seed.dateOfBirth}T00:00:00.000Z`,
      businessId: seed.business === undefined ? undefined : seedBusinessId(locationId, seed.business),
      dnd: seed.dnd ?? false,
      dndSettings: seed.dndSettings,
      tags: normalizeTags(seed.tags),
      customFields,
      attributionSource: seed.attributionSource,
      lastActivity: seed.lastActivity,
      followers: seed.assignedTo === undefined ? [] : [userId(seed.assignedTo)],
    };
    deriveNameFields(contact);
    return contact;
  });

  const tasks = TASKS.map(
    (seed, i): TaskRecord => ({
      id: id(`task:${i}`),
      contactId: contactId(seed.contact),
      title: seed.title,
      body: seed.body,
      assignedTo: seed.assignedTo === undefined ? undefined : userId(seed.assignedTo),
      dueDate: seed.dueDate,
      completed: seed.completed,
      dateAdded: seed.dateAdded,
      dateUpdated: seed.dateAdded,
    }),
  );

  const notes = NOTES.map(
    (seed, i): NoteRecord => ({
      id: id(`note:${i}`),
      contactId: contactId(seed.contact),
      body: seed.body,
      userId: seed.user === undefined ? undefined : userId(seed.user),
      title: seed.title,
      color: seed.color,
      pinned: seed.pinned ?? false,
      dateAdded: seed.dateAdded,
    }),
  );

  const events = EVENTS.map(
    (seed): EventRecord => ({
      id: id(`event:${seed.key}`),
      calendarId: id(`calendar:${seed.calendar}`),
      locationId,
      contactId: contactId(seed.contact),
      title: seed.title,
      status: seed.status,
      appointmentStatus: seed.appointmentStatus,
      assignedUserId: userId(seed.user),
      users: [userId(seed.user)],
      notes: seed.notes,
      address: seed.address,
      startTime: seed.startTime,
      endTime: seed.endTime,
      dateAdded: seed.dateAdded,
      dateUpdated: seed.dateAdded,
      assignedResources: [],
    }),
  );

  return { contacts, tasks, notes, events };
}
