#!/usr/bin/env node
/**
 * ghl-contacts-mcp: serve the GHL Contacts tools over stdio (the default) or Streamable HTTP
 * (`--http`), or print the tool table for a configuration (`tools`). Stdout carries only MCP
 * messages in stdio mode.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { startApp, toolRegistry } from "./app.js";
import { type Config, ConfigError, OPTIONS, parseCommandLine } from "./config.js";
import { toolTable } from "./docs.js";
import { formatChecks, runDoctor } from "./doctor.js";
import { type HttpConfig, parseHttpConfig } from "./http/config.js";
import { createLogger } from "./log.js";
import { VERSION } from "./version.js";

const HELP = `ghl-contacts-mcp ${VERSION}: MCP server for GoHighLevel contacts, tasks, notes, tags and appointments.

Usage:
  ghl-contacts-mcp [flags]            serve MCP over stdio
  ghl-contacts-mcp --http [flags]     serve MCP over Streamable HTTP at /mcp
  ghl-contacts-mcp tools [--json]     print the tools this configuration exposes
  ghl-contacts-mcp doctor [--sandbox] check GHL reachability, token, location, scopes, rate limits

Flags and environment:
${OPTIONS.map((o) => `  ${[o.flag, o.env].filter(Boolean).join(", ").padEnd(34)} ${o.description}`).join("\n")}
  --help, --version`;

async function main(): Promise<number> {
  const registry = toolRegistry();
  const { command, json, config, httpFlags } = parseCommandLine(
    process.argv.slice(2),
    process.env,
    registry.all.map((t) => t.name),
  );
  if (command === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === "tools") {
    const selection = registry.select(config);
    process.stdout.write(
      json ? `${JSON.stringify(selection.listing, null, 2)}\n` : `${toolTable(selection.visible)}\n`,
    );
    return 0;
  }

  if (command === "doctor") {
    const app = await startApp(config, createLogger("silent"));
    try {
      const checks = await runDoctor(app.config, registry);
      process.stdout.write(formatChecks(checks));
      return checks.every((c) => c.ok) ? 0 : 1;
    } finally {
      await app.close();
    }
  }

  const http = parseHttpConfig(httpFlags, process.env);
  if (http) return serveHttp(config, http);

  const app = await startApp(config);
  const server = app.createServer();
  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ why }, "shutting down");
    await server.close().catch(() => {});
    await app.close().catch(() => {});
    process.exit(0);
  };
  process.stdin.on("end", () => void shutdown("stdin closed"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await server.connect(new StdioServerTransport());
  return -1; // keep running until the client goes away
}

/** Serves until SIGTERM/SIGINT, then drains in-flight requests and exits 0. */
async function serveHttp(config: Config, http: HttpConfig): Promise<number> {
  const tenants = http.auth.kind === "tenants" ? http.auth.tenants : [];
  // Every secret we hold is scrubbed from log messages, belt and braces.
  const secrets = [
    config.token,
    ...tenants.map((t) => t.token),
    ...(http.auth.kind === "keys" ? http.auth.keys : []),
  ];
  const log = createLogger(config.logLevel, secrets);
  // Loaded only in HTTP mode: the SDK's HTTP transport is a good part of a stdio start-up.
  const { DEFAULT_SHUTDOWN_GRACE_MS, startHttpServer } = await import("./http/server.js");
  const app = await startApp(config, log, tenants);
  const service = await startHttpServer(app, http, log);
  log.info(
    { url: `${service.url}/mcp`, auth: http.auth.kind, tenants: tenants.length || undefined },
    "serving MCP over Streamable HTTP",
  );

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) {
      log.warn({ why }, "second signal: exiting without waiting");
      process.exit(1);
    }
    closing = true;
    log.info({ why, inFlight: service.inFlight(), graceMs: DEFAULT_SHUTDOWN_GRACE_MS }, "shutting down");
    const { drained } = await service.shutdown(DEFAULT_SHUTDOWN_GRACE_MS);
    if (!drained) log.warn("shutdown grace period over: cut off the requests still running");
    await app.close().catch(() => {});
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  return -1; // keep running until a signal
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error) => {
    if (error instanceof ConfigError && process.argv.includes("doctor")) {
      // doctor reports a bad configuration as its first failed check, in its own format.
      process.stdout.write(formatChecks([{ ok: false, name: "configuration", detail: error.message }]));
      process.exitCode = 1;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`ghl-contacts-mcp: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ghl-contacts-mcp: failed to start: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  },
);
