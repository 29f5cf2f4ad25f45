// A tiny path router: routes are declared as "/contacts/:contactId/tasks" patterns with the
// scope GHL requires for them, and matched segment by segment.

import { forbiddenLocation, notFound } from "./errors.js";
import type { SandboxStore } from "./store.js";
import type { ContactRecord } from "./types.js";

export type Scope = "contacts.readonly" | "contacts.write";

export interface RequestContext {
  store: SandboxStore;
  /** Location of the authenticated token: the only location this request may touch. */
  locationId: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** "http://127.0.0.1:PORT", for URLs GHL puts in bodies (meta.nextPageUrl). */
  baseUrl: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  scope: Scope;
  handler: (ctx: RequestContext) => Reply;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route for a request. Trailing slashes are ignored (Express's default, so
 * "/contacts/" and "/contacts" are one route); a path that matches with another method is
 * still "not found", as in Nest.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  const segments = splitPath(path);
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchSegments(splitPath(route.path), segments);
    if (params) return { route, params };
  }
  return undefined;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? "";
    const got = actual[i] ?? "";
    if (want.startsWith(":")) params[want.slice(1)] = safeDecode(got);
    else if (want !== got) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The path's contact in the token's location, or GHL's 404. */
export function requireContact(ctx: RequestContext): ContactRecord {
  const contact = ctx.store.getContact(ctx.locationId, ctx.params.contactId ?? "");
  if (!contact) throw notFound("Contact not found");
  return contact;
}

/** A locationId sent by the caller must be the token's own location. */
export function checkLocation(ctx: RequestContext, locationId: unknown): void {
  if (typeof locationId === "string" && locationId !== "" && locationId !== ctx.locationId) {
    throw forbiddenLocation();
  }
}
