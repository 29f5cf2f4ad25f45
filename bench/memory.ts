/**
 * Memory: RSS of the server process after start and after 5,000 get_contact calls over stdio.
 * RSS also counts V8 enlarging its heap under a steady allocation rate, which it keeps; so the
 * same calls are repeated in-process with the heap measured after a forced GC, which shows what
 * is actually retained (a leak would grow there). Run with --expose-gc for that part.
 */
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  startSandbox,
} from "../src/sandbox/index.js";
import { startHarness } from "../test/harness.js";
import { report } from "./report.js";
import { BIN, rssMb, spawnClient, UNLIMITED } from "./support.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const sandbox = await startSandbox({ rateLimit: UNLIMITED });
const spawned = await spawnClient(BIN, [], {
  GHL_TOKEN: DEMO_TOKEN_READONLY,
  GHL_BASE_URL: sandbox.url,
  GHL_LOCATION_ID: DEMO_LOCATION_ID,
});
await spawned.client.listTools();
await new Promise((resolve) => setTimeout(resolve, 300));
const idle = rssMb(spawned.pid);
for (let i = 0; i < CALLS; i++) {
  await spawned.client.callTool({ name: "get_contact", arguments: { contactId: DEMO_CONTACT_ID } });
}
await new Promise((resolve) => setTimeout(resolve, 300));
const after = rssMb(spawned.pid);
await spawned.close();
await sandbox.close();

const gc = (globalThis as { gc?: () => void }).gc;
let retained: number | undefined;
if (gc) {
  const inProcess = await startHarness({
    sandbox: { rateLimit: UNLIMITED },
    env: { GHL_TOKEN: DEMO_TOKEN_READONLY, GHL_SCOPES: "contacts.readonly", GHL_AUDIT_FILE: "off" },
  });
  const call = () => inProcess.call("get_contact", { contactId: DEMO_CONTACT_ID });
  const heapAfterGc = () => {
    inProcess.sandbox.resetRequests();
    gc();
    return process.memoryUsage().heapUsed / 1_048_576;
  };
  for (let i = 0; i < 500; i++) await call(); // warm up
  const before = heapAfterGc();
  for (let i = 0; i < CALLS; i++) await call();
  retained = heapAfterGc() - before;
  await inProcess.close();
}

report([
  {
    name: "memory: RSS idle",
    figure: idle,
    unit: "MB",
    target: "≤ 70",
    comparison: "after start and tools/list",
  },
  {
    name: "memory: RSS after calls",
    figure: after,
    unit: "MB",
    target: "",
    comparison: `after ${CALLS} get_contact calls`,
  },
  { name: "memory: growth", figure: after - idle, unit: "MB", target: "≤ 10", comparison: "after − idle" },
  ...(retained === undefined
    ? []
    : [
        {
          name: "memory: heap retained",
          figure: retained,
          unit: "MB",
          target: "≈ 0",
          comparison: `heap after GC, after − before ${CALLS} more calls, in-process (client + server)`,
        },
      ]),
]);
