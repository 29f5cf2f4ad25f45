/** `doctor` and `mcp.json`, through the built binary as a person (or a desktop client) runs them. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import {
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  DEMO_TOKEN_WRITE,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const BIN = `${ROOT}/dist/src/cli.js`;
const built = existsSync(BIN);

/** Runs the binary to completion (async, so the sandbox in this process keeps answering). */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", GHL_AUDIT_FILE: "off", ...env },
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

describe.skipIf(!built)("doctor", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  const env = (extra: Record<string, string> = {}) => ({
    GHL_TOKEN: DEMO_TOKEN_WRITE,
    GHL_BASE_URL: sandbox.url,
    GHL_LOCATION_ID: DEMO_LOCATION_ID,
    GHL_SCOPES: "contacts.readonly contacts.write",
    ...extra,
  });

  it("passes every check against the built-in sandbox", async () => {
    const { code, stdout } = await run(["doctor", "--sandbox"], {});
    expect(stdout.trim().split("\n")).toHaveLength(6);
    expect(stdout).not.toContain("✗");
    expect(code).toBe(0);
  });

  it("passes against a reachable GHL with a good token, and reads rate-limit headroom", async () => {
    const { code, stdout } = await run(["doctor"], env());
    expect(stdout).toMatch(/✓ rate-limit headroom +burst \d+\/100, daily \d+ left/);
    expect(code).toBe(0);
  });

  it("fails on a bad token, and says what to do", async () => {
    const { code, stdout } = await run(["doctor"], env({ GHL_TOKEN: "pit-wrong-token-000000000000" }));
    expect(stdout).toMatch(/✗ token accepted +401: the token is invalid, expired or revoked; set GHL_TOKEN/);
    expect(stdout).not.toContain("pit-wrong-token");
    expect(code).toBe(1);
  });

  it("fails on a location the token does not belong to", async () => {
    const { code, stdout } = await run(["doctor"], env({ GHL_LOCATION_ID: "OtherLocation0000001" }));
    expect(stdout).toMatch(/✗ location readable +403 for OtherLocation0000001/);
    expect(code).toBe(1);
  });

  it("fails when GHL_SCOPES claims a write scope the token lacks, without writing anything", async () => {
    sandbox.resetRequests();
    const { code, stdout } = await run(["doctor"], env({ GHL_TOKEN: DEMO_TOKEN_READONLY }));
    expect(stdout).toMatch(/✗ scopes +GHL_SCOPES lists contacts.write but the token lacks it/);
    expect(code).toBe(1);
    expect(sandbox.requests.filter((r) => r.status >= 200 && r.status < 300 && r.method !== "GET")).toEqual(
      [],
    );
  });

  it("reports a bad configuration as a failed check", async () => {
    const { code, stdout } = await run(["doctor"], { GHL_SCOPES: "contacts.read" });
    expect(stdout).toMatch(/^✗ configuration/);
    expect(code).toBe(1);
  });
});

describe.skipIf(!built)("mcp.json", () => {
  type Entry = { command: string; args: string[]; env?: Record<string, string> };
  const config = JSON.parse(readFileSync(`${ROOT}/mcp.json`, "utf8")) as {
    mcpServers: Record<string, Entry>;
  };
  // The one thing a user must change: the placeholder path to their clone.
  const resolve = (arg: string) => arg.replace("/ABSOLUTE/PATH/TO/ghl-contacts-mcp", ROOT);

  it("has a real and a sandbox entry in the mcpServers shape", () => {
    const { "ghl-contacts": real, "ghl-contacts-sandbox": sandbox } = config.mcpServers;
    expect(real?.env).toMatchObject({ GHL_TOKEN: expect.any(String), GHL_LOCATION_ID: expect.any(String) });
    expect(real?.args.map(resolve)).toEqual([BIN]);
    expect(sandbox?.args.map(resolve)).toEqual([BIN, "--sandbox"]);
  });

  it("starts the sandbox entry exactly as written and serves every tool", async () => {
    const entry = config.mcpServers["ghl-contacts-sandbox"] as Entry;
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args.map(resolve),
      env: { PATH: process.env.PATH ?? "", GHL_AUDIT_FILE: "off", ...entry.env },
      stderr: "ignore",
    });
    const client = new Client({ name: "mcp-json-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        toolRegistry()
          .all.map((t) => t.name)
          .sort(),
      );
    } finally {
      await client.close();
    }
  });
});
