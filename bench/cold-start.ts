/**
 * Cold start: spawn the built binary (sandbox mode, stdio) until tools/list is answered,
 * median of runs, next to the same for a minimal SDK server with one tool (the stack's floor).
 */
import { median, report } from "./report.js";
import { BIN, MINIMAL_SERVER, spawnClient } from "./support.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 12);

async function timeToList(script: string, args: string[]): Promise<number> {
  const started = performance.now();
  const spawned = await spawnClient(script, args);
  await spawned.client.listTools();
  const elapsed = performance.now() - started;
  await spawned.close();
  return elapsed;
}

const ours: number[] = [];
const floor: number[] = [];
// Interleave the two so that machine noise hits both alike; the first run of each warms the disk cache.
for (let run = 0; run <= RUNS; run++) {
  const a = await timeToList(BIN, ["--sandbox"]);
  const b = await timeToList(MINIMAL_SERVER, []);
  if (run > 0) {
    ours.push(a);
    floor.push(b);
  }
}
const oursMs = median(ours);
const floorMs = median(floor);
report([
  {
    name: "cold start: ghl-contacts-mcp --sandbox",
    figure: oursMs,
    unit: "ms",
    target: "",
    comparison: `median of ${RUNS}, spawn → tools/list`,
  },
  {
    name: "cold start: minimal SDK server",
    figure: floorMs,
    unit: "ms",
    target: "",
    comparison: `median of ${RUNS}, one tool`,
  },
  {
    name: "cold start: ratio",
    figure: oursMs / floorMs,
    unit: "×",
    target: "≤ 1.5",
    comparison: "ours / minimal",
  },
]);
