/**
 * The built binary, spawned over stdio the way Claude Desktop runs it, driven by a real SDK
 * client. Needs `npm run build` first (`npm test` does it).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { DEMO_CONTACT_ID } from "../src/sandbox/index.js";

const BIN = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
const built = existsSync(BIN);
if (!built) console.warn(`stdio tests skipped: ${BIN} is missing; run \`npm run build\` (npm test does).`);

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...extra };
  return env;
}

describe.skipIf(!built)("stdio binary", () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = "";
  const stdoutNoise: string[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "--sandbox"],
      env: cleanEnv({ LOG_LEVEL: "info" }),
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client = new Client({ name: "stdio-test", version: "1.0.0" });
    // Anything on stdout that is not JSON-RPC shows up as a transport error.
    transport.onerror = (error) => stdoutNoise.push(String(error));
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
  });

  it("initializes, lists every tool and serves a call", async () => {
    expect(client.getServerVersion()?.name).toBe("ghl-contacts-mcp");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      toolRegistry()
        .all.map((t) => t.name)
        .sort(),
    );
    const result = (await client.callTool({
      name: "get_contact",
      arguments: { contactId: DEMO_CONTACT_ID },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { contact: { id: string } }).contact.id).toBe(DEMO_CONTACT_ID);
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
  });

  it("keeps stdout for the protocol and logs JSON lines to stderr", () => {
    expect(stdoutNoise).toEqual([]);
    const lines = stderr.trim().split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(stderr).toContain('"msg":"tool call"');
    expect(stderr).not.toMatch(/pit-sandbox/);
  });
});

describe.skipIf(!built)("binary start-up errors", () => {
  it("exits 2 with one line on stderr when the token is missing", () => {
    const run = spawnSync(process.execPath, [BIN], { env: cleanEnv(), encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^ghl-contacts-mcp: GHL_TOKEN is not set/);
  });

  it("exits 2 on an unknown tool name", () => {
    const run = spawnSync(process.execPath, [BIN, "--tools", "nope"], {
      env: cleanEnv({ GHL_TOKEN: "pit-test-000000000000" }),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown tool "nope"/);
  });

  it("prints the tool table for a configuration", () => {
    const run = spawnSync(process.execPath, [BIN, "tools"], {
      env: cleanEnv(),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("| `get_contact` |");
    expect(run.stdout).not.toContain("delete_contact");
  });
});
