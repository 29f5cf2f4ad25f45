/** Markdown tables for the README and the `tools` command, generated from the code itself. */
import { OPTIONS } from "./config.js";
import type { AnyTool } from "./tool.js";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function toolTable(tools: readonly AnyTool[]): string {
  const rows = tools.map(
    (t) =>
      `| \`${t.name}\` | ${t.toolset} | ${t.access === "read" ? "read" : "**write**"} | ${t.scopes.join(", ")} | ${cell(t.description)} |`,
  );
  return ["| tool | toolset | access | scope | what it does |", "|---|---|---|---|---|", ...rows].join("\n");
}

export function configTable(): string {
  const rows = OPTIONS.map((o) => {
    const name = [o.env && `\`${o.env}\``, o.flag && `\`${o.flag}\``].filter(Boolean).join(" / ");
    return `| ${name} | ${cell(o.default)} | ${cell(o.description)} |`;
  });
  return ["| variable / flag | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
