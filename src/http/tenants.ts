/**
 * The tenants file (GHL_TENANTS_FILE): one entry per MCP key, each with its own GHL sub-account.
 * The file stores only the SHA-256 of each key, so reading it gives no one a usable key; the GHL
 * token is in the file or, better, in an environment variable the entry names. A bad file stops
 * the server at start with one line naming the entry and the field at fault, and never the
 * value (it may be a token).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../config.js";
import { CONTACTS_READ, KNOWN_SCOPES } from "../scopes.js";
import { TOOLSETS, type Toolset } from "../tool.js";

/** A tenant as the server uses it, with its GHL token resolved. */
export interface TenantSpec {
  name: string;
  /** Lower-case hex SHA-256 of the tenant's MCP key. */
  keySha256: string;
  token: string;
  locationId: string;
  scopes: string[];
  readOnly: boolean;
  /** Toolsets this tenant may use; undefined = all that the server enables. */
  toolsets: Toolset[] | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const tenantEntry = z
  .strictObject({
    name: z.string().regex(NAME, "must be 1-64 letters, digits, '.', '-' or '_'"),
    keySha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be the hex SHA-256 of the tenant's MCP key (64 hex digits)"),
    ghlToken: z.string().trim().min(1, "must not be empty").optional(),
    ghlTokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable")
      .optional(),
    locationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a GHL location id"),
    scopes: z
      .array(
        z
          .string()
          .refine((s) => KNOWN_SCOPES.has(s), "is not a GHL scope (e.g. contacts.readonly, contacts.write)"),
      )
      .min(1, "must name at least one scope")
      .default([CONTACTS_READ]),
    readOnly: z.boolean().default(false),
    toolsets: z.array(z.enum(TOOLSETS)).min(1, "must name at least one toolset").optional(),
  })
  .refine((t) => (t.ghlToken === undefined) !== (t.ghlTokenEnv === undefined), {
    message: "give exactly one of ghlToken and ghlTokenEnv",
    path: ["ghlToken"],
  });

const tenantsFile = z.strictObject({
  tenants: z.array(tenantEntry).min(1, "must list at least one tenant"),
});

/** Reads and checks a tenants file; throws ConfigError with one line on any problem. */
export function loadTenantsFile(path: string, env: NodeJS.ProcessEnv): TenantSpec[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new ConfigError(`GHL_TENANTS_FILE ${path} cannot be read (${code}).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`GHL_TENANTS_FILE ${path} is not valid JSON: ${(error as Error).message}.`);
  }
  return parseTenants(raw, env, `GHL_TENANTS_FILE ${path}`);
}

/** @param source names the file in error messages */
export function parseTenants(raw: unknown, env: NodeJS.ProcessEnv, source: string): TenantSpec[] {
  const parsed = tenantsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new ConfigError(`${source}: ${describePath(raw, issue.path)}: ${issue.message}.`);
  }

  const byName = new Map<string, number>();
  const byKey = new Map<string, number>();
  return parsed.data.tenants.map((entry, index) => {
    const where = entryLabel(index, entry.name);
    const sameName = byName.get(entry.name);
    if (sameName !== undefined) {
      throw new ConfigError(`${source}: ${where}.name is also the name of tenants[${sameName}].`);
    }
    byName.set(entry.name, index);
    const keySha256 = entry.keySha256.toLowerCase();
    const sameKey = byKey.get(keySha256);
    if (sameKey !== undefined) {
      throw new ConfigError(`${source}: ${where}.keySha256 is also the key of tenants[${sameKey}].`);
    }
    byKey.set(keySha256, index);

    let token = entry.ghlToken;
    if (entry.ghlTokenEnv !== undefined) {
      token = env[entry.ghlTokenEnv]?.trim();
      if (!token) {
        throw new ConfigError(
          `${source}: ${where}.ghlTokenEnv names ${entry.ghlTokenEnv}, which is not set in the environment.`,
        );
      }
    }
    return {
      name: entry.name,
      keySha256,
      token: token as string,
      locationId: entry.locationId,
      scopes: [...new Set(entry.scopes)],
      readOnly: entry.readOnly,
      toolsets: entry.toolsets ? [...new Set(entry.toolsets)] : undefined,
    };
  });
}

function entryLabel(index: number, name: unknown): string {
  return typeof name === "string" && NAME.test(name) ? `tenants[${index}] ("${name}")` : `tenants[${index}]`;
}

/** `tenants[2] ("acme").scopes[1]` for an issue path, naming the entry when its name is readable. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return "the file";
  if (path[0] !== "tenants" || typeof path[1] !== "number") return path.map(String).join(".");
  const entries = (raw as { tenants?: unknown[] }).tenants;
  const name = (entries?.[path[1]] as { name?: unknown } | undefined)?.name;
  const rest = path
    .slice(2)
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("");
  return entryLabel(path[1], name) + rest;
}
