import type { Route } from "../router.js";
import { appointmentRoutes } from "./appointments.js";
import { contactRoutes } from "./contacts.js";
import { noteRoutes } from "./notes.js";
import { searchRoutes } from "./search.js";
import { tagRoutes } from "./tags.js";
import { taskRoutes } from "./tasks.js";

/** Every route of the sandbox; literal paths (/contacts/search) come before /contacts/:contactId. */
export const routes: readonly Route[] = [
  ...searchRoutes,
  ...contactRoutes,
  ...taskRoutes,
  ...noteRoutes,
  ...tagRoutes,
  ...appointmentRoutes,
];
