/**
 * Per-call overhead: get_contact through an MCP client over stdio, next to the same GET sent
 * directly with undici to the same sandbox. The difference is what a call costs beyond GHL's
 * own answer. Two more rows split it: the same call with client and server in one process
 * (InMemoryTransport: our code alone), and an echo tool of a minimal SDK server over stdio
 * (the pipe round trip every stdio MCP server pays).
 */
import { request } from "undici";
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  startSandbox,
} from "../src/sandbox/index.js";
import { startHarness } from "../test/harness.js";
import { median, percentile, report } from "./report.js";
import { BIN, MINIMAL_SERVER, spawnClient, UNLIMITED } from "./support.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const sandbox = await startSandbox({ rateLimit: UNLIMITED });
const spawned = await spawnClient(BIN, [], {
  GHL_TOKEN: DEMO_TOKEN_READONLY,
  GHL_BASE_URL: sandbox.url,
  GHL_LOCATION_ID: DEMO_LOCATION_ID,
});

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await fn(); // warm up JIT and keep-alive sockets
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

const viaMcp = await timed(() =>
  spawned.client.callTool({ name: "get_contact", arguments: { contactId: DEMO_CONTACT_ID } }),
);
const direct = await timed(async () => {
  const res = await request(`${sandbox.url}/contacts/${DEMO_CONTACT_ID}`, {
    headers: {
      authorization: `Bearer ${DEMO_TOKEN_READONLY}`,
      version: "2021-07-28",
      accept: "application/json",
    },
  });
  await res.body.json();
});
await spawned.close();
const minimal = await spawnClient(MINIMAL_SERVER, []);
const echo = await timed(() => minimal.client.callTool({ name: "echo", arguments: { text: "x" } }));
await minimal.close();
const inProcess = await startHarness({
  reuse: sandbox,
  env: { GHL_TOKEN: DEMO_TOKEN_READONLY, GHL_SCOPES: "contacts.readonly", GHL_AUDIT_FILE: "off" },
});
const inMemory = await timed(() => inProcess.call("get_contact", { contactId: DEMO_CONTACT_ID }));
await inProcess.close();
await sandbox.close();

const p50 = median(viaMcp);
const p50Direct = median(direct);
report([
  {
    name: "call: get_contact via MCP stdio p50",
    figure: p50,
    unit: "ms",
    target: "",
    comparison: `${CALLS} sequential calls`,
  },
  {
    name: "call: get_contact via MCP stdio p99",
    figure: percentile(viaMcp, 99),
    unit: "ms",
    target: "",
    comparison: "",
  },
  {
    name: "call: direct undici GET p50",
    figure: p50Direct,
    unit: "ms",
    target: "",
    comparison: "same sandbox, same request",
  },
  {
    name: "call: direct undici GET p99",
    figure: percentile(direct, 99),
    unit: "ms",
    target: "",
    comparison: "",
  },
  {
    name: "call: overhead p50",
    figure: p50 - p50Direct,
    unit: "ms",
    target: "≤ 1",
    comparison: "MCP p50 − direct p50",
  },
  { name: "call: ratio p50", figure: p50 / p50Direct, unit: "×", target: "", comparison: "MCP / direct" },
  {
    name: "call: in-process overhead p50",
    figure: median(inMemory) - p50Direct,
    unit: "ms",
    target: "≤ 1",
    comparison: "InMemoryTransport p50 − direct p50: our server's own cost",
  },
  {
    name: "call: stdio floor p50",
    figure: median(echo),
    unit: "ms",
    target: "",
    comparison: "echo tool of a minimal SDK server over stdio",
  },
]);
