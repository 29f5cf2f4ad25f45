/**
 * get_contact_overview (four GHL reads in parallel, one tool call) against the four separate
 * tool calls an agent would otherwise make one after another. The sandbox adds a fixed latency
 * to every request, standing in for the network between this server and GHL.
 */
import { DEMO_CONTACT_ID } from "../src/sandbox/index.js";
import { startHarness } from "../test/harness.js";
import { median, report } from "./report.js";
import { UNLIMITED } from "./support.js";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const h = await startHarness({ env: { GHL_AUDIT_FILE: "off" }, sandbox: { rateLimit: UNLIMITED } });
h.sandbox.injectFault({ delayMs: LATENCY_MS, times: Number.MAX_SAFE_INTEGER });
const contactId = DEMO_CONTACT_ID;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const overview: number[] = [];
const sequential: number[] = [];
for (let run = 0; run < RUNS; run++) {
  overview.push(await time(() => h.call("get_contact_overview", { contactId })));
  sequential.push(
    await time(async () => {
      await h.call("get_contact", { contactId });
      await h.call("list_tasks", { contactId });
      await h.call("list_notes", { contactId });
      await h.call("list_appointments", { contactId });
    }),
  );
}
await h.close();

const o = median(overview);
const s = median(sequential);
report([
  {
    name: "overview: get_contact_overview",
    figure: o,
    unit: "ms",
    target: "",
    comparison: `median of ${RUNS}, ${LATENCY_MS} ms per GHL request`,
  },
  {
    name: "overview: four sequential calls",
    figure: s,
    unit: "ms",
    target: "",
    comparison: "get_contact, list_tasks, list_notes, list_appointments",
  },
  {
    name: "overview: ratio",
    figure: o / s,
    unit: "×",
    target: "≈ 0.25",
    comparison: "overview / sequential (1 slowest read vs 4)",
  },
]);
