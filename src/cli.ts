#!/usr/bin/env node
/**
 * ghl-contacts-mcp: serve the GHL Contacts tools over stdio (the default), or print the tool
 * table for a configuration (`tools`). Stdout carries only MCP messages in serve mode.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { startApp, toolRegistry } from "./app.js";
import { ConfigError, OPTIONS, parseCommandLine } from "./config.js";
import { toolTable } from "./docs.js";
import { VERSION } from "./version.js";

const HELP = `ghl-contacts-mcp ${VERSION}: MCP server for GoHighLevel contacts, tasks, notes, tags and appointments.

Usage:
  ghl-contacts-mcp [flags]            serve MCP over stdio
  ghl-contacts-mcp tools [--json]     print the tools this configuration exposes

Flags and environment:
${OPTIONS.map((o) => `  ${[o.flag, o.env].filter(Boolean).join(", ").padEnd(34)} ${o.description}`).join("\n")}
  --help, --version`;

async function main(): Promise<number> {
  const registry = toolRegistry();
  const { command, json, config } = parseCommandLine(
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

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`ghl-contacts-mcp: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ghl-contacts-mcp: failed to start: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  },
);
