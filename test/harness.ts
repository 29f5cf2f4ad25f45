/**
 * Test harness: a real sandbox on loopback, the real app built from a real configuration, and an
 * SDK Client over InMemoryTransport. Nothing of ours is mocked; GHL is the sandbox over HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type App, startApp, toolRegistry } from "../src/app.js";
import { parseCommandLine } from "../src/config.js";
import type { ResilienceOptions } from "../src/ghl/http.js";
import { createLogger } from "../src/log.js";
import {
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  DEMO_TOKEN_WRITE,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from "../src/sandbox/index.js";

export interface Harness {
  client: Client;
  sandbox: Sandbox;
  app: App;
  /** The audit file of this server (in a temp dir), unless the test set GHL_AUDIT_FILE itself. */
  auditFile: string | undefined;
  /** Calls a tool and returns its result (errors are results with isError, as agents see them). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment, e.g. GHL_SCOPES, GHL_READ_ONLY. */
  env?: Record<string, string>;
  argv?: string[];
  sandbox?: SandboxOptions;
  /** Reuse a running sandbox instead of starting one. */
  reuse?: Sandbox;
  /** Client knobs that have no variable (backoff steps), merged over the configured ones. */
  tune?: ResilienceOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = options.reuse ?? (await startSandbox(options.sandbox));
  const scopes = options.env?.GHL_SCOPES ?? "contacts.readonly contacts.write";
  // Every harness audits into its own temp dir, never the user's ~/.local/state.
  const auditDir = mkdtempSync(join(tmpdir(), "ghl-audit-"));
  const env = {
    GHL_AUDIT_FILE: join(auditDir, "audit.jsonl"),
    GHL_TOKEN: scopes.includes("contacts.write") ? DEMO_TOKEN_WRITE : DEMO_TOKEN_READONLY,
    GHL_BASE_URL: sandbox.url,
    GHL_LOCATION_ID: DEMO_LOCATION_ID,
    GHL_SCOPES: scopes,
    ...options.env,
  };
  const { config } = parseCommandLine(
    options.argv ?? [],
    env,
    toolRegistry().all.map((t) => t.name),
  );
  const tuned = options.tune ? { ...config, resilience: { ...config.resilience, ...options.tune } } : config;
  const app = await startApp(tuned, createLogger("silent"));
  const server = app.createServer();
  const client = new Client({ name: "test-client", version: "1.0.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    sandbox,
    app,
    auditFile: app.audit.file,
    call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await server.close();
      await app.close();
      if (!options.reuse) await sandbox.close();
      rmSync(auditDir, { recursive: true, force: true });
    },
  };
}

/** The text of a result's first content block. */
export function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** structuredContent of a successful result; fails the test with the error text otherwise. */
export function data<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${text(result)}`);
  return result.structuredContent as T;
}
