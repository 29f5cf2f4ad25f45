/**
 * The tool registry: every tool's listing is computed once at start (JSON Schema conversion is
 * the expensive part), then a selection decides which tools a session sees and why the others
 * are refused. Filters run in DESIGN.md's order: read-only, scopes, --exclude-tools, --tools,
 * --toolsets. A hidden tool is also refused at call time, because clients cache tool lists.
 */
import { z } from "zod";
import type { AnyTool, ToolAnnotations } from "./tool.js";

export interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: ToolAnnotations;
}

export interface Selection {
  readOnly: boolean;
  scopes: readonly string[];
  tools?: readonly string[] | undefined;
  excludeTools?: readonly string[] | undefined;
  toolsets?: readonly string[] | undefined;
}

export class ToolRegistry {
  private readonly byName = new Map<string, AnyTool>();
  private readonly listings = new Map<string, ListedTool>();

  /**
   * @param prebuilt listings computed at build time (dist/tool-listings.json); used only when
   *   they name exactly these tools, else every listing is computed here.
   */
  constructor(
    readonly all: readonly AnyTool[],
    prebuilt?: readonly ListedTool[],
  ) {
    const usable = prebuilt?.length === all.length && prebuilt.every((l, i) => l.name === all[i]?.name);
    for (const [index, tool] of all.entries()) {
      if (this.byName.has(tool.name)) throw new Error(`Duplicate tool name ${tool.name}`);
      this.byName.set(tool.name, tool);
      this.listings.set(tool.name, usable ? (prebuilt[index] as ListedTool) : listTool(tool));
    }
  }

  get(name: string): AnyTool | undefined {
    return this.byName.get(name);
  }

  listing(name: string): ListedTool | undefined {
    return this.listings.get(name);
  }

  select(selection: Selection): ToolSelection {
    const visible: AnyTool[] = [];
    const refusals = new Map<string, string>();
    for (const tool of this.all) {
      const reason = hiddenBecause(tool, selection);
      if (reason) refusals.set(tool.name, reason);
      else visible.push(tool);
    }
    const listing = visible.map((tool) => this.listings.get(tool.name) as ListedTool);
    return { visible, listing, refusal: (name) => refusals.get(name) };
  }
}

export interface ToolSelection {
  visible: AnyTool[];
  /** The `tools` array of a tools/list result, prebuilt. */
  listing: ListedTool[];
  /** Why a known tool is not available, or undefined when it is (or is unknown). */
  refusal(name: string): string | undefined;
}

function hiddenBecause(tool: AnyTool, s: Selection): string | undefined {
  if (s.readOnly && tool.access === "write") {
    return `${tool.name} changes data and this server runs read-only (--read-only / GHL_READ_ONLY).`;
  }
  const missing = tool.scopes.filter((scope) => !s.scopes.includes(scope));
  if (missing.length) {
    return (
      `${tool.name} needs scope ${missing.join(", ")}; granted scopes: ${s.scopes.join(", ") || "none"}. ` +
      "Grant the scope to the GHL token, then list it in GHL_SCOPES (or the tenant's scopes)."
    );
  }
  if (s.excludeTools?.includes(tool.name)) {
    return `${tool.name} is turned off by --exclude-tools / GHL_EXCLUDE_TOOLS.`;
  }
  const namedTools = s.tools?.length ? s.tools : undefined;
  const namedSets = s.toolsets?.length ? s.toolsets : undefined;
  if (namedTools?.includes(tool.name)) return undefined;
  if (namedSets?.includes(tool.toolset)) return undefined;
  if (namedTools || namedSets) {
    return `${tool.name} is not enabled: add it to --tools, or its toolset "${tool.toolset}" to --toolsets.`;
  }
  return undefined;
}

function listTool(tool: AnyTool): ListedTool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input, "input"),
    outputSchema: jsonSchema(tool.output, "output"),
    annotations: tool.annotations,
  };
}

const advertised = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * Lists `schema` in tools/list as `json` instead of its full conversion, while zod still
 * validates every call against the full schema. For a large sub-schema another tool already
 * spells out (sync_contact's contact fields): the agent reads the rules once. Call it last:
 * zod's `.describe()` returns a new schema, which would not be the one registered here.
 */
export function advertiseAs<T extends z.ZodType>(schema: T, json: Record<string, unknown>): T {
  advertised.set(schema, json);
  return schema;
}

/** JSON Schema 2020-12 (MCP's default dialect), minus the `$schema` line every tool would repeat. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    override: ({ zodSchema, jsonSchema }) => {
      const replacement = advertised.get(zodSchema as unknown as z.ZodType);
      if (!replacement) return;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
      Object.assign(jsonSchema, replacement);
    },
  }) as Record<string, unknown>;
  return compact(rest, io) as Record<string, unknown>;
}

/**
 * Same meaning, fewer bytes: `anyOf: [{type: X}, {type: "null"}]` becomes `type: [X, "null"]`;
 * `additionalProperties: {}` (the default) goes; and outputs drop `additionalProperties: false`
 * so that a field GHL adds can never make a client reject a result.
 */
function compact(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((item) => compact(item, io));
  if (!node || typeof node !== "object") return node;
  const obj = Object.fromEntries(
    Object.entries(node)
      .filter(
        ([k, v]) => !(k === "additionalProperties" && (isEmptySchema(v) || (io === "output" && v === false))),
      )
      .map(([k, v]) => [k, compact(v, io)]),
  );
  const anyOf = obj.anyOf as Array<Record<string, unknown>> | undefined;
  if (anyOf?.length === 2) {
    const nullIndex = anyOf.findIndex((s) => s.type === "null" && Object.keys(s).length === 1);
    const other = anyOf[1 - nullIndex];
    if (nullIndex >= 0 && other && typeof other.type === "string" && !("anyOf" in other)) {
      const { anyOf: _, ...restObj } = obj;
      return { ...restObj, ...other, type: [other.type, "null"] };
    }
  }
  return obj;
}

const isEmptySchema = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length === 0;
