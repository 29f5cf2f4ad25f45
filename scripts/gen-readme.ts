/**
 * Regenerates the README's tool and configuration tables from the registry and the config
 * declarations (`npm run docs`), so the manual cannot drift from the code. A test checks it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { toolRegistry } from "../src/app.js";
import { configTable, toolTable } from "../src/docs.js";

// Runs from dist/scripts/ (`npm run docs`), two levels below the project root.
const README = new URL("../../README.md", import.meta.url);

export function renderReadme(current: string): string {
  return replaceBlock(replaceBlock(current, "tools", toolTable(toolRegistry().all)), "config", configTable());
}

function replaceBlock(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const current = readFileSync(README, "utf8");
  const next = renderReadme(current);
  if (next !== current) writeFileSync(README, next);
  process.stdout.write(next === current ? "README.md is up to date\n" : "README.md tables regenerated\n");
}
