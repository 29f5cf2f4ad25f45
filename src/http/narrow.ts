/**
 * Narrowing a tool selection that the registry already computed: a tenant's read-only flag and
 * toolsets, and the per-request headers X-MCP-Read-Only and X-MCP-Toolsets (as github-mcp-server
 * offers). Narrowing only ever removes tools, so a header cannot widen what the server or the
 * tenant allows; and it is plain filtering of prebuilt listings, with no schema work.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ToolSelection } from "../registry.js";
import { type AnyTool, TOOLSETS, type Toolset } from "../tool.js";

export interface Narrowing {
  readOnly: boolean;
  /** Only these toolsets; undefined keeps every toolset. */
  toolsets: readonly Toolset[] | undefined;
}

export const NO_NARROWING: Narrowing = { readOnly: false, toolsets: undefined };

/**
 * @param by who narrows, for refusals: e.g. `tenant "acme"`, `the X-MCP-* headers`
 */
export function narrowTools(base: ToolSelection, narrowing: Narrowing, by: string): ToolSelection {
  if (!narrowing.readOnly && !narrowing.toolsets) return base;
  const reasons = new Map<string, string>();
  for (const tool of base.visible) {
    const reason = narrowedBecause(tool, narrowing, by);
    if (reason) reasons.set(tool.name, reason);
  }
  if (reasons.size === 0) return base;
  const keep = base.visible.map((tool) => !reasons.has(tool.name));
  return {
    visible: base.visible.filter((_, i) => keep[i]),
    listing: base.listing.filter((_, i) => keep[i]),
    refusal: (name) => base.refusal(name) ?? reasons.get(name),
  };
}

function narrowedBecause(tool: AnyTool, n: Narrowing, by: string): string | undefined {
  if (n.readOnly && tool.access === "write") {
    return `${tool.name} changes data and ${by} allows read tools only.`;
  }
  if (n.toolsets && !n.toolsets.includes(tool.toolset)) {
    return `${tool.name} is in toolset "${tool.toolset}", which ${by} leaves out (enabled: ${n.toolsets.join(", ")}).`;
  }
  return undefined;
}

export const READ_ONLY_HEADER = "x-mcp-read-only";
export const TOOLSETS_HEADER = "x-mcp-toolsets";

/** The narrowing a request asks for, or an error message for a malformed header. */
export function narrowingFromHeaders(headers: IncomingHttpHeaders): Narrowing | { error: string } {
  const readOnlyText = single(headers[READ_ONLY_HEADER])?.trim().toLowerCase() ?? "";
  let readOnly: boolean;
  if (["true", "1", "yes", "on"].includes(readOnlyText)) readOnly = true;
  else if (["", "false", "0", "no", "off"].includes(readOnlyText)) readOnly = false;
  else return { error: "X-MCP-Read-Only must be true or false." };

  const names = (single(headers[TOOLSETS_HEADER]) ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0 || names.includes("all")) return { readOnly, toolsets: undefined };
  const unknown = names.filter((n) => !(TOOLSETS as readonly string[]).includes(n));
  if (unknown.length) {
    return {
      error: `X-MCP-Toolsets names unknown toolset ${unknown.map((n) => `"${n}"`).join(", ")}. Known: ${TOOLSETS.join(", ")}.`,
    };
  }
  return { readOnly, toolsets: [...new Set(names)].sort() as Toolset[] };
}

/** A cache key for a narrowing; there are few distinct ones (2 × 2^toolsets at most). */
export function narrowingKey(n: Narrowing): string {
  return `${n.readOnly ? "ro" : "rw"}:${n.toolsets?.join(",") ?? "*"}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}
