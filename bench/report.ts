/**
 * Shared output of every benchmark: a Markdown table on stdout and, when BENCH_RESULTS_FILE is
 * set (the `npm run bench` runner sets it), one JSON line per figure appended to that file.
 * Benchmarks print figures; they never pass or fail on time.
 */
import { appendFileSync } from "node:fs";

export interface BenchFigure {
  /** Benchmark and figure, e.g. "rate-limit: wall / minimum". */
  name: string;
  figure: number;
  unit: string;
  /** The target in words, e.g. "≤ 1.11"; empty when the figure is informative only. */
  target: string;
  /** What the figure compares, e.g. "wall time vs requests / limit × window". */
  comparison: string;
}

export function report(figures: BenchFigure[]): void {
  const rows = figures.map(
    (f) => `| ${f.name} | ${formatNumber(f.figure)} | ${f.unit} | ${f.target || "–"} | ${f.comparison} |`,
  );
  process.stdout.write(
    ["| benchmark | figure | unit | target | comparison |", "|---|---|---|---|---|", ...rows, ""].join("\n"),
  );
  const file = process.env.BENCH_RESULTS_FILE;
  if (file) appendFileSync(file, figures.map((f) => `${JSON.stringify(f)}\n`).join(""));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
