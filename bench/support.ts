/** Helpers the benchmarks share: the built binary, spawning it as a client would, RSS. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

/** Compiled layout: dist/bench/*.js next to dist/src/cli.js. */
export const BIN = fileURLToPath(new URL("../src/cli.js", import.meta.url));
export const MINIMAL_SERVER = fileURLToPath(new URL("./fixtures/minimal-server.js", import.meta.url));

export interface Spawned {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  close(): Promise<void>;
}

/** Spawns `node <script> ...args` over stdio with only the given environment, like a desktop client. */
export async function spawnClient(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Spawned> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [script, ...args],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", GHL_AUDIT_FILE: "off", ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    transport,
    pid: transport.pid ?? 0,
    close: () => client.close(),
  };
}

/**
 * A sandbox limit no benchmark reaches. The client paces itself by the limits GHL's headers
 * announce (100 per 10 s); benchmarks of our own overhead must not measure that pacing.
 */
export const UNLIMITED = { max: 100_000, intervalMs: 10_000, daily: 1_000_000_000 };

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
