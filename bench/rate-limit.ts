/**
 * Rate-limit benchmark: how close the GHL client's pacing comes to the best a rate limit allows,
 * and whether failures turn into errors or duplicates. A real MCP client (InMemoryTransport)
 * calls the real app, which talks over HTTP to the sandbox enforcing GHL's limits scaled for
 * speed (50 requests per 1,000 ms instead of 100 per 10,000 ms). The client starts from the
 * default configuration (100/10000) and has to learn the sandbox's limit from its headers.
 *
 * Run 1: 500 create_task calls at once. Run 2: 500 calls at once (300 create_task, 100 get_contact,
 * 100 update_task) while 5% of requests meet a 503 or a dropped connection (before or after GHL
 * processed them).
 *
 *   npm run build && node dist/bench/rate-limit.js
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { App } from "../src/app.js";
import { DEMO_LOCATION_ID, type FaultSpec, type Sandbox } from "../src/sandbox/index.js";
import { startHarness } from "../test/harness.js";
import { type BenchFigure, report } from "./report.js";

const LIMIT = { max: 50, intervalMs: 1000 };
const CALLS = 500;
const DUE = "2026-12-24T15:00:00Z";

/**
 * 5% of all requests: 2% answered 503, 1.5% dropped unprocessed, 1.5% dropped after processing.
 * The sandbox tries faults in order, so each chance is of the requests the ones before spared.
 */
const FAULTS: FaultSpec[] = [
  { status: 503, probability: 0.02 },
  { reset: "before", probability: 0.015 / 0.98 },
  { reset: "after", probability: 0.015 / 0.965 },
];

interface Rig {
  sandbox: Sandbox;
  app: App;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

async function rig(faults: FaultSpec[] = []): Promise<Rig> {
  const h = await startHarness({ sandbox: { rateLimit: LIMIT }, env: { GHL_AUDIT_FILE: "off" } });
  // Faults start after the seed and the connection, so every one of them hits a benchmark call.
  for (const fault of faults) h.sandbox.injectFault(fault);
  return { sandbox: h.sandbox, app: h.app, call: h.call, close: h.close };
}

function contactIds(sandbox: Sandbox): string[] {
  return sandbox.store.contacts(DEMO_LOCATION_ID).map((c) => c.id);
}

function tasksTitled(sandbox: Sandbox, prefix: string): string[] {
  return contactIds(sandbox).flatMap((id) =>
    sandbox.store
      .tasks(DEMO_LOCATION_ID, id)
      .map((t) => t.title)
      .filter((title) => title.startsWith(prefix)),
  );
}

const isRateLimitError = (r: CallToolResult) =>
  r.isError === true && /rate limit|429/i.test(JSON.stringify(r.content));

async function pacedCreates(): Promise<BenchFigure[]> {
  const { sandbox, call, close } = await rig();
  const contacts = contactIds(sandbox);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: CALLS }, (_, i) =>
      call("create_task", { contactId: contacts[i % contacts.length], title: `paced ${i}`, dueDate: DUE }),
    ),
  );
  const wallMs = performance.now() - started;
  const minimumMs = (CALLS / LIMIT.max) * LIMIT.intervalMs;
  const floorMs = (Math.ceil(CALLS / LIMIT.max) - 1) * LIMIT.intervalMs;
  const created = tasksTitled(sandbox, "paced ");
  const answered429 = sandbox.requests.filter((r) => r.status === 429).length;
  await close();
  return [
    {
      name: "rate-limit: wall time",
      figure: Math.round(wallMs),
      unit: "ms",
      target: "",
      comparison: `${CALLS} concurrent create_task, sandbox limit ${LIMIT.max} per ${LIMIT.intervalMs} ms`,
    },
    {
      name: "rate-limit: theoretical minimum",
      figure: minimumMs,
      unit: "ms",
      target: "",
      comparison: "requests / limit × window",
    },
    {
      name: "rate-limit: wall / minimum",
      figure: wallMs / minimumMs,
      unit: "ratio",
      target: "≤ 1.11",
      comparison: "wall time vs theoretical minimum",
    },
    {
      name: "rate-limit: wall / strict floor",
      figure: wallMs / floorMs,
      unit: "ratio",
      target: "",
      comparison: "vs (batches − 1) × window: the first batch of a sliding window needs no wait",
    },
    {
      name: "rate-limit: 429s surfaced to the client",
      figure: results.filter(isRateLimitError).length,
      unit: "calls",
      target: "0",
      comparison: "tool results with isError naming the rate limit",
    },
    {
      name: "rate-limit: tool errors of any kind",
      figure: results.filter((r) => r.isError).length,
      unit: "calls",
      target: "0",
      comparison: `of ${CALLS} calls`,
    },
    {
      name: "rate-limit: 429s answered by the sandbox",
      figure: answered429,
      unit: "requests",
      target: "",
      comparison: "what the pacing let through to a refusal (each then waited and retried)",
    },
    {
      name: "rate-limit: tasks in the sandbox afterwards",
      figure: created.length,
      unit: "tasks",
      target: `exactly ${CALLS}`,
      comparison: "records made by the run",
    },
  ];
}

async function underFaults(): Promise<BenchFigure[]> {
  const { sandbox, call, close } = await rig(FAULTS);
  const contacts = contactIds(sandbox);
  const seededTasks = contacts.flatMap((contactId) =>
    sandbox.store.tasks(DEMO_LOCATION_ID, contactId).map((t) => ({ contactId, taskId: t.id })),
  );
  const kinds: Array<"create" | "read" | "update"> = Array.from({ length: CALLS }, (_, i) =>
    i % 5 === 3 ? "read" : i % 5 === 4 ? "update" : "create",
  );
  const started = performance.now();
  const results = await Promise.all(
    kinds.map((kind, i) => {
      const contactId = contacts[i % contacts.length];
      if (kind === "read") return call("get_contact", { contactId });
      if (kind === "update") {
        const target = seededTasks[i % seededTasks.length];
        return call("update_task", { ...target, title: `updated ${i}` });
      }
      return call("create_task", { contactId, title: `faulty ${i}`, dueDate: DUE });
    }),
  );
  const wallMs = performance.now() - started;
  const errors = (kind: string) => results.filter((r, i) => kinds[i] === kind && r.isError).length;
  const creates = kinds.filter((k) => k === "create").length;
  const createdOk = creates - errors("create");
  const created = tasksTitled(sandbox, "faulty ");
  const duplicates = created.length - new Set(created).size;
  const injected = sandbox.requests.filter((r) => r.reset !== undefined || r.status === 503).length;
  const total = sandbox.requests.length;
  await close();
  return [
    {
      name: "faults: injected",
      figure: injected,
      unit: "requests",
      target: "",
      comparison: `503s and dropped connections among ${total} requests (${((100 * injected) / total).toFixed(1)}%)`,
    },
    {
      name: "faults: wall time",
      figure: Math.round(wallMs),
      unit: "ms",
      target: "",
      comparison: `${CALLS} concurrent calls (${creates} create_task, 100 get_contact, 100 update_task)`,
    },
    {
      name: "faults: read errors surfaced",
      figure: errors("read"),
      unit: "calls",
      target: "0",
      comparison: "get_contact results with isError",
    },
    {
      name: "faults: update errors surfaced",
      figure: errors("update"),
      unit: "calls",
      target: "0",
      comparison: "update_task results with isError",
    },
    {
      name: "faults: create errors surfaced",
      figure: errors("create"),
      unit: "calls",
      target: "",
      comparison: `create_task results with isError, of ${creates}`,
    },
    {
      name: "faults: tasks created − successful creates",
      figure: created.length - createdOk,
      unit: "tasks",
      target: "0",
      comparison: `${created.length} tasks in the sandbox vs ${createdOk} successful create_task`,
    },
    {
      name: "faults: duplicate tasks",
      figure: duplicates,
      unit: "tasks",
      target: "0",
      comparison: "tasks whose title appears more than once",
    },
  ];
}

const figures = [...(await pacedCreates()), ...(await underFaults())];
figures.push({
  name: "rate-limit: peak RSS",
  figure: Math.round(process.resourceUsage().maxRSS / 1024),
  unit: "MB",
  target: "",
  comparison: "whole process (client, server and sandbox), both runs",
});
report(figures);
