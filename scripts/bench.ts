/**
 * `npm run bench`: runs every benchmark under bench/ (each a plain script that also runs alone),
 * one after another so they do not disturb each other, then writes bench/results.json and
 * prints one Markdown table of every figure.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchFigure } from "../bench/report.js";

const benchDir = fileURLToPath(new URL("../bench/", import.meta.url));
const resultsFile = fileURLToPath(new URL("../../bench/results.json", import.meta.url));
const SUPPORT = new Set(["report.js", "support.js"]);
const only = process.argv.slice(2);

const scripts = readdirSync(benchDir)
  .filter((f) => f.endsWith(".js") && !SUPPORT.has(f))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();
const linesFile = join(tmpdir(), `ghl-bench-${process.pid}.jsonl`);
rmSync(linesFile, { force: true });

let failed = 0;
for (const script of scripts) {
  process.stderr.write(`running bench/${script.replace(/\.js$/, ".ts")} …\n`);
  const run = spawnSync(process.execPath, ["--expose-gc", join(benchDir, script)], {
    env: { ...process.env, BENCH_RESULTS_FILE: linesFile },
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 15 * 60_000,
  });
  if (run.status !== 0) {
    failed++;
    process.stderr.write(`bench/${script} failed (exit ${run.status ?? run.signal})\n`);
  }
}

const figures: BenchFigure[] = readFileSync(linesFile, { encoding: "utf8", flag: "a+" })
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line));
rmSync(linesFile, { force: true });
writeFileSync(
  resultsFile,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
);
const rows = figures.map(
  (f) => `| ${f.name} | ${round(f.figure)} | ${f.unit} | ${f.target || "–"} | ${f.comparison} |`,
);
process.stdout.write(
  ["| benchmark | figure | unit | target | comparison |", "|---|---|---|---|---|", ...rows, ""].join("\n"),
);
process.exitCode = failed ? 1 : 0;

function round(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
