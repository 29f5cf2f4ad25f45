/**
 * Wires configuration into a running server: the GHL connection (or the in-process sandbox),
 * the tool selection, and one MCP server per transport connection (stdio) or per request (HTTP).
 *
 * What the server serves is one or more tenants: a GHL sub-account with its own token, connection
 * pool (so pacing and rate limits are per location) and tool selection. Over stdio, and over HTTP
 * with MCP_AUTH_TOKENS, there is one, the "primary", configured by env and flags; with a tenants
 * file there is one per entry and no primary. Everything costly (schemas, selections, pools) is
 * built here once; making a server for a request only binds those together.
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ALL_TOOLS } from "../tools/index.js";
import { type AuditLog, openAuditLog } from "./audit/audit-log.js";
import type { Config } from "./config.js";
import { GhlHttp } from "./ghl/http.js";
import { narrowTools } from "./http/narrow.js";
import type { TenantSpec } from "./http/tenants.js";
import { loadListingCache } from "./listing-cache.js";
import { createLogger, type Logger } from "./log.js";
import { ToolRegistry, type ToolSelection } from "./registry.js";
import type { Sandbox } from "./sandbox/index.js";
import { CONTACTS_WRITE } from "./scopes.js";
import { createMcpServer } from "./server.js";
import { VERSION } from "./version.js";

/** One GHL sub-account as the server serves it. */
export interface Tenant {
  /** "primary", or the tenant's name from the tenants file. */
  name: string;
  locationId: string | undefined;
  scopes: readonly string[];
  /** The tools this tenant may see and call, selected once at start. */
  tools: ToolSelection;
  http: GhlHttp;
  /** Strings that must never appear in a tool result: the tenant's GHL token. */
  secrets: readonly string[];
  /** A tenants-file tenant may only name its own location in a tool's `locationId`. */
  pinLocation: boolean;
}

export interface App {
  /** The configuration in effect (with --sandbox: pointing at the sandbox). */
  config: Config;
  log: Logger;
  /** The sub-account configured by env and flags; undefined when a tenants file is used. */
  primary: Tenant | undefined;
  /** Tenants-file tenants by name; empty without a tenants file. */
  tenants: ReadonlyMap<string, Tenant>;
  sandbox: Sandbox | undefined;
  /** The audit log every tool call's writes go to (shared by all tenants; records name the caller). */
  audit: AuditLog;
  /** A fresh MCP server for the primary sub-account (cheap: nothing is rebuilt). */
  createServer(caller?: string): Server;
  /**
   * A fresh MCP server for one tenant.
   * @param options.tools a narrowing of `tenant.tools` for this request
   * @param options.log a request-scoped logger (e.g. carrying the HTTP request id)
   */
  serverFor(tenant: Tenant, caller: string, options?: { tools?: ToolSelection; log?: Logger }): Server;
  close(): Promise<void>;
}

let registry: ToolRegistry | undefined;
/** Built once per process: JSON Schema conversion of every tool happens here, not per session. */
export function toolRegistry(): ToolRegistry {
  registry ??= new ToolRegistry(ALL_TOOLS, loadListingCache());
  return registry;
}

/**
 * @param tenants tenants-file entries; when given, they are served instead of the primary
 *   sub-account (and, with --sandbox, the sandbox hosts their locations and tokens)
 */
export async function startApp(
  config: Config,
  log = createLogger(config.logLevel, [config.token], { format: config.logFormat }),
  tenants: readonly TenantSpec[] = [],
): Promise<App> {
  let sandbox: Sandbox | undefined;
  let effective = config;
  if (config.sandbox) {
    const sb = await import("./sandbox/index.js");
    sandbox = await sb.startSandbox({
      rateLimit: { max: 100, intervalMs: 10_000 },
      faults: config.sandboxFaults,
      tokens: tenants.length
        ? tenants.map((t) => ({ token: t.token, locationId: t.locationId, scopes: t.scopes }))
        : undefined,
    });
    // The sandbox checks scopes the way GHL does, so hand it the token that matches the scopes.
    const token = config.scopes.includes(CONTACTS_WRITE) ? sb.DEMO_TOKEN_WRITE : sb.DEMO_TOKEN_READONLY;
    effective = {
      ...config,
      token,
      baseUrl: sandbox.url,
      locationId: config.locationId ?? sb.DEMO_LOCATION_ID,
    };
    log.info({ url: sandbox.url }, "sandbox GHL API started (demo data)");
  }

  const audit = await openAuditLog(
    config.audit,
    log,
    [config.token, effective.token, ...tenants.map((t) => t.token)].filter(Boolean),
    config.sandbox ? "--sandbox (demo data); set GHL_AUDIT_FILE to record" : "GHL_AUDIT_FILE=off",
  );

  const open = (
    name: string,
    token: string,
    locationId: string | undefined,
    tools: ToolSelection,
    scopes: readonly string[],
  ): Tenant => ({
    name,
    locationId,
    scopes,
    tools,
    pinLocation: tenants.length > 0,
    secrets: [token, config.token].filter(Boolean),
    http: new GhlHttp({
      baseUrl: effective.baseUrl,
      token,
      apiVersion: effective.apiVersion,
      userAgent: `ghl-contacts-mcp/${VERSION}`,
      ...config.resilience,
    }),
  });

  let primary: Tenant | undefined;
  const byName = new Map<string, Tenant>();
  if (tenants.length === 0) {
    const tools = toolRegistry().select(effective);
    primary = open("primary", effective.token, effective.locationId, tools, effective.scopes);
    if (!effective.locationId) {
      log.warn("GHL_LOCATION_ID is not set: list, search and create tools need a locationId argument");
    }
    log.info(
      { tools: tools.visible.length, readOnly: effective.readOnly, scopes: effective.scopes },
      "ghl-contacts-mcp ready",
    );
  } else {
    for (const spec of tenants) {
      // The server's own filters (GHL_READ_ONLY, --tools, --toolsets, ...) apply to every tenant;
      // the tenant's scopes replace GHL_SCOPES, and its read-only flag and toolsets narrow further.
      const base = toolRegistry().select({ ...effective, scopes: spec.scopes });
      const tools = narrowTools(base, spec, `tenant "${spec.name}"`);
      byName.set(spec.name, open(spec.name, spec.token, spec.locationId, tools, spec.scopes));
      log.info(
        { tenant: spec.name, locationId: spec.locationId, tools: tools.visible.length, scopes: spec.scopes },
        "tenant ready",
      );
    }
  }

  const serverFor: App["serverFor"] = (tenant, caller, options = {}) =>
    createMcpServer({
      caller,
      registry: toolRegistry(),
      selection: options.tools ?? tenant.tools,
      http: tenant.http,
      locationId: tenant.locationId,
      pinLocation: tenant.pinLocation,
      log: options.log ?? log,
      secrets: tenant.secrets,
      audit,
    });

  return {
    config: effective,
    log,
    primary,
    tenants: byName,
    sandbox,
    audit,
    serverFor,
    createServer(caller = "stdio") {
      if (!primary)
        throw new Error("this app serves tenants from a tenants file; use serverFor(tenant, caller)");
      return serverFor(primary, caller);
    },
    async close() {
      const all = [...(primary ? [primary] : []), ...byName.values()];
      await Promise.all(all.map((t) => t.http.close()));
      await sandbox?.close();
      await audit.close();
    },
  };
}
