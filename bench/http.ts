/**
 * HTTP throughput: BENCH_CLIENTS concurrent MCP clients (default 16), each making BENCH_CALLS
 * (default 2,000) `get_contact` calls over Streamable HTTP against the sandbox. Printed: calls/s,
 * p50/p99 latency, errors, peak RSS; then the same calls over InMemoryTransport (our server
 * without the HTTP layer) and straight to the sandbox with undici (no MCP at all), and the
 * ratios of time per call, which are the cost of each layer.
 *
 * Everything runs in this one process (clients, server, sandbox), so the figures compare layers
 * on one machine; they are not a capacity rating. Run: `npm run build && node dist/bench/http.js`.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Pool } from "undici";
import { startApp, toolRegistry } from "../src/app.js";
import { parseCommandLine } from "../src/config.js";
import { type HttpConfig, parseHttpConfig } from "../src/http/config.js";
import { startHttpServer } from "../src/http/server.js";
import { createLogger } from "../src/log.js";
import { DEMO_CONTACT_ID, DEMO_LOCATION_ID, DEMO_TOKEN_WRITE, startSandbox } from "../src/sandbox/index.js";
import { percentile, report } from "./report.js";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 50;
const KEY = "bench-key-0123456789abcdef0123456789abcdef";

interface Run {
  callsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Runs `CLIENTS` loops of `CALLS` calls each, all at once, and times every call. */
async function measure(makeCall: Array<() => Promise<boolean>>): Promise<Run> {
  // Warm up connections and JIT, untimed.
  await Promise.all(
    makeCall.map(async (call) => {
      for (let i = 0; i < WARMUP; i++) await call();
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    makeCall.map(async (call) => {
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        const ok = await call().catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    callsPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

const getContact = (client: Client) => async () => {
  const result = (await client.callTool({
    name: "get_contact",
    arguments: { contactId: DEMO_CONTACT_ID },
  })) as CallToolResult;
  return !result.isError;
};

async function main() {
  // We measure our layers, not GHL's pacing: the sandbox advertises (in X-RateLimit-* headers,
  // which the GHL client paces by) a limit far above anything this run reaches.
  const sandbox = await startSandbox({
    rateLimit: { max: 1_000_000, intervalMs: 1000, daily: 1_000_000_000 },
  });
  const env = {
    GHL_TOKEN: DEMO_TOKEN_WRITE,
    GHL_BASE_URL: sandbox.url,
    GHL_LOCATION_ID: DEMO_LOCATION_ID,
    GHL_SCOPES: "contacts.readonly contacts.write",
    GHL_AUDIT_FILE: "off",
    // The GHL client's starting limit, before the sandbox's headers correct it.
    GHL_RATE_LIMIT: "100000/1000",
    MCP_AUTH_TOKENS: KEY,
  };
  // The sandbox records every request for tests; here that would only grow the heap.
  const forget = setInterval(() => sandbox.resetRequests(), 500);
  const names = toolRegistry().all.map((t) => t.name);
  const { config, httpFlags } = parseCommandLine(["--http", "--port", "0"], env, names);
  const http = parseHttpConfig(httpFlags, env) as HttpConfig;
  const app = await startApp(config, createLogger("silent"));
  const service = await startHttpServer(app, http);

  // 1. MCP over Streamable HTTP, one SDK client (and connection pool user) per simulated agent.
  const httpClients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ name: "bench", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${KEY}` } },
        }),
      );
      return client;
    }),
  );
  const overHttp = await measure(httpClients.map(getContact));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await Promise.all(httpClients.map((c) => c.close()));

  // 2. The same server code over InMemoryTransport: MCP without HTTP.
  const memoryClients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ name: "bench", version: "1.0.0" });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await app.createServer("bench").connect(serverSide);
      await client.connect(clientSide);
      return client;
    }),
  );
  const inMemory = await measure(memoryClients.map(getContact));
  await Promise.all(memoryClients.map((c) => c.close()));

  // 3. The sandbox alone, with the same request the GHL client sends.
  const pool = new Pool(sandbox.url, { connections: CLIENTS });
  const direct = await measure(
    Array.from({ length: CLIENTS }, () => async () => {
      const res = await pool.request({
        method: "GET",
        path: `/contacts/${DEMO_CONTACT_ID}`,
        headers: {
          authorization: `Bearer ${DEMO_TOKEN_WRITE}`,
          version: "2021-07-28",
          accept: "application/json",
        },
      });
      await res.body.json();
      return res.statusCode === 200;
    }),
  );
  await pool.close();

  clearInterval(forget);
  await service.shutdown(1000);
  await app.close();
  await sandbox.close();

  const calls = `${CLIENTS} clients × ${CALLS} get_contact`;
  report([
    {
      name: "http: throughput",
      figure: overHttp.callsPerSecond,
      unit: "calls/s",
      target: "",
      comparison: calls,
    },
    { name: "http: p50 latency", figure: overHttp.p50, unit: "ms", target: "", comparison: calls },
    { name: "http: p99 latency", figure: overHttp.p99, unit: "ms", target: "", comparison: calls },
    { name: "http: errors", figure: overHttp.errors, unit: "calls", target: "0", comparison: calls },
    {
      name: "http: peak RSS",
      figure: peakRssMb,
      unit: "MB",
      target: "",
      comparison: "whole process (clients, server, sandbox) up to the end of the HTTP run",
    },
    {
      name: "in-memory: throughput",
      figure: inMemory.callsPerSecond,
      unit: "calls/s",
      target: "",
      comparison: calls,
    },
    { name: "in-memory: p50 latency", figure: inMemory.p50, unit: "ms", target: "", comparison: calls },
    { name: "in-memory: p99 latency", figure: inMemory.p99, unit: "ms", target: "", comparison: calls },
    {
      name: "direct: throughput",
      figure: direct.callsPerSecond,
      unit: "requests/s",
      target: "",
      comparison: `${CLIENTS} loops × ${CALLS} GET /contacts/:id with undici, no MCP`,
    },
    { name: "direct: p50 latency", figure: direct.p50, unit: "ms", target: "", comparison: "same" },
    { name: "direct: p99 latency", figure: direct.p99, unit: "ms", target: "", comparison: "same" },
    {
      name: "http / in-memory: time per call",
      figure: inMemory.callsPerSecond / overHttp.callsPerSecond,
      unit: "ratio",
      target: "",
      comparison: "cost of the HTTP transport (per-request server, auth, SSE) over MCP in memory",
    },
    {
      name: "http / direct: time per call",
      figure: direct.callsPerSecond / overHttp.callsPerSecond,
      unit: "ratio",
      target: "",
      comparison: "cost of our whole layer (HTTP + MCP + tool + GHL client) over a bare GHL request",
    },
    {
      name: "in-memory / direct: time per call",
      figure: direct.callsPerSecond / inMemory.callsPerSecond,
      unit: "ratio",
      target: "",
      comparison: "cost of MCP + tool + GHL client without HTTP",
    },
  ]);
  if (overHttp.errors > 0 || inMemory.errors > 0 || direct.errors > 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench/http: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
