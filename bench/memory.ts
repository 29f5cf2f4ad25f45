/** Memory: RSS of the server process after start and after 5,000 get_contact calls over stdio. */
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  DEMO_TOKEN_READONLY,
  startSandbox,
} from "../src/sandbox/index.js";
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
]);
