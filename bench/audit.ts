/**
 * What the audit trail costs a write: create_note through a real MCP client and the real server
 * against the sandbox, with the audit log on (append + fsync before the answer) and off.
 * Rounds alternate between the two so that drift (JIT, GC, the sandbox's growing note list)
 * falls on both alike. Run after `npm run build`: `node dist/bench/audit.js`.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type App, startApp, toolRegistry } from "../src/app.js";
import { parseCommandLine } from "../src/config.js";
import { createLogger } from "../src/log.js";
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_WRITE,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/index.js";
import { median, report } from "./report.js";

const CALLS = 300;
const ROUNDS = 6;
const WARMUP = 30;

interface Subject {
  app: App;
  client: Client;
  call(): Promise<number>;
}

async function subject(sandbox: Sandbox, auditFile: string): Promise<Subject> {
  const env = {
    GHL_TOKEN: DEMO_TOKEN_WRITE,
    GHL_BASE_URL: sandbox.url,
    GHL_LOCATION_ID: DEMO_LOCATION_ID,
    GHL_SCOPES: "contacts.readonly contacts.write",
    GHL_AUDIT_FILE: auditFile,
    // Far above what we send, so the client's pacing never enters the figures.
    GHL_RATE_LIMIT: "100000/1000",
  };
  const names = toolRegistry().all.map((t) => t.name);
  const { config } = parseCommandLine([], env, names);
  const app = await startApp(config, createLogger("silent"));
  const server = app.createServer();
  const client = new Client({ name: "bench-audit", version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  let n = 0;
  return {
    app,
    client,
    async call() {
      const started = performance.now();
      const result = (await client.callTool({
        name: "create_note",
        arguments: {
          contactId: DEMO_CONTACT_ID,
          body: `Benchmark note ${n++}: call summary, next steps agreed.`,
        },
      })) as CallToolResult;
      const ms = performance.now() - started;
      if (result.isError) throw new Error(`create_note failed: ${JSON.stringify(result.content)}`);
      return ms;
    },
  };
}

async function main() {
  const sandbox = await startSandbox({ rateLimit: { max: 100_000, intervalMs: 10_000 } });
  const dir = mkdtempSync(join(tmpdir(), "ghl-bench-audit-"));
  const auditFile = join(dir, "audit.jsonl");
  const on = await subject(sandbox, auditFile);
  const off = await subject(sandbox, "off");
  try {
    for (let i = 0; i < WARMUP; i++) {
      await on.call();
      await off.call();
    }
    const timesOn: number[] = [];
    const timesOff: number[] = [];
    const perRound = CALLS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const [first, second] = round % 2 ? [off, on] : [on, off];
      const firstTimes = round % 2 ? timesOff : timesOn;
      const secondTimes = round % 2 ? timesOn : timesOff;
      for (let i = 0; i < perRound; i++) firstTimes.push(await first.call());
      for (let i = 0; i < perRound; i++) secondTimes.push(await second.call());
    }
    const medianOn = median(timesOn);
    const medianOff = median(timesOff);
    const recordBytes = statSync(auditFile).size / (CALLS + WARMUP);
    report([
      {
        name: "audit: create_note median, audit off",
        figure: medianOff,
        unit: "ms",
        target: "",
        comparison: `median of ${CALLS} calls, MCP client → server → sandbox`,
      },
      {
        name: "audit: create_note median, audit on",
        figure: medianOn,
        unit: "ms",
        target: "",
        comparison: `median of ${CALLS} calls; each record appended and fsynced before the answer`,
      },
      {
        name: "audit: on / off",
        figure: medianOn / medianOff,
        unit: "ratio",
        target: "",
        comparison: "median per write with the audit log on vs off",
      },
      {
        name: "audit: record size",
        figure: Math.round(recordBytes),
        unit: "bytes",
        target: "",
        comparison: "mean bytes per create_note record on disk",
      },
    ]);
  } finally {
    for (const s of [on, off]) {
      await s.client.close();
      await s.app.close();
    }
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench/audit failed: ${(error as Error)?.stack ?? error}\n`);
  process.exitCode = 1;
});
