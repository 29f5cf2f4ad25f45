/**
 * Wires configuration into a running server: the GHL connection (or the in-process sandbox),
 * the tool selection, and one MCP server per transport connection.
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ALL_TOOLS } from "../tools/index.js";
import type { Config } from "./config.js";
import { GhlHttp } from "./ghl/http.js";
import { createLogger, type Logger } from "./log.js";
import { ToolRegistry, type ToolSelection } from "./registry.js";
import type { Sandbox } from "./sandbox/index.js";
import { CONTACTS_WRITE } from "./scopes.js";
import { createMcpServer } from "./server.js";
import { VERSION } from "./version.js";

export interface App {
  config: Config;
  log: Logger;
  selection: ToolSelection;
  /** A fresh MCP server bound to the shared registry and GHL pool (cheap: nothing is rebuilt). */
  createServer(caller?: string): Server;
  close(): Promise<void>;
}

let registry: ToolRegistry | undefined;
/** Built once per process: JSON Schema conversion of every tool happens here, not per session. */
export function toolRegistry(): ToolRegistry {
  registry ??= new ToolRegistry(ALL_TOOLS);
  return registry;
}

export async function startApp(
  config: Config,
  log = createLogger(config.logLevel, [config.token]),
): Promise<App> {
  let sandbox: Sandbox | undefined;
  let effective = config;
  if (config.sandbox) {
    const sb = await import("./sandbox/index.js");
    sandbox = await sb.startSandbox({ rateLimit: { max: 100, intervalMs: 10_000 } });
    // The sandbox checks scopes the way GHL does, so hand it the token that matches the scopes.
    const token = config.scopes.includes(CONTACTS_WRITE) ? sb.DEMO_TOKEN_WRITE : sb.DEMO_TOKEN_READONLY;
    effective = {
      ...config,
      token,
      baseUrl: sandbox.url,
      locationId: config.locationId ?? sb.DEMO_LOCATION_ID,
    };
    log.info({ url: sandbox.url, locationId: effective.locationId }, "sandbox GHL API started (demo data)");
  }

  const http = new GhlHttp({
    baseUrl: effective.baseUrl,
    token: effective.token,
    apiVersion: effective.apiVersion,
    userAgent: `ghl-contacts-mcp/${VERSION}`,
  });
  const selection = toolRegistry().select(effective);
  if (!effective.locationId) {
    log.warn("GHL_LOCATION_ID is not set: list, search and create tools need a locationId argument");
  }
  log.info(
    { tools: selection.visible.length, readOnly: effective.readOnly, scopes: effective.scopes },
    "ghl-contacts-mcp ready",
  );

  return {
    config: effective,
    log,
    selection,
    createServer: (caller = "stdio") =>
      createMcpServer({
        caller,
        registry: toolRegistry(),
        selection,
        http,
        locationId: effective.locationId,
        log,
        secrets: [config.token, effective.token].filter(Boolean),
      }),
    async close() {
      await http.close();
      await sandbox?.close();
    },
  };
}
