/**
 * A tool is a declaration: metadata the registry filters on, zod schemas that are the contract
 * with the agent, and a handler that only ever talks to GHL through the per-call GhlClient.
 */
import type { z } from "zod";
import type { AuditLog } from "./audit/audit-log.js";
import type { GhlClient } from "./ghl/client.js";
import type { ClientLog, Logger } from "./log.js";
import type { ToolScope } from "./scopes.js";

export const TOOLSETS = ["contacts", "tasks", "notes", "tags", "appointments", "audit"] as const;
export type Toolset = (typeof TOOLSETS)[number];

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  ghl: GhlClient;
  toolName: string;
  /** Unique per tool call; on every log line and audit record of the call. */
  requestId: string;
  /** "stdio", or the HTTP tenant / key id. */
  caller: string;
  /** The configured location, if any; tools that need one call `requireLocation`. */
  locationId: string | undefined;
  signal: AbortSignal;
  log: Logger;
  /** MCP log notifications for events the client's user should see, at the level the client set. */
  clientLog: ClientLog;
  /** The audit log (read_audit_log reads it; writes reach it through `ghl` by themselves). */
  audit: AuditLog;
  /** Sends an MCP progress notification when the client asked for progress; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  access: "read" | "write";
  scopes: readonly ToolScope[];
  input: I;
  output: O;
  annotations: ToolAnnotations;
  handler(args: z.output<I>, ctx: ToolContext): Promise<z.input<O>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of tools holds many different schema types.
export type AnyTool = ToolDefinition<any, any>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

/** Raised by handlers for a problem the agent can fix; by default no request was sent yet. */
export class ToolInputError extends Error {
  constructor(
    message: string,
    readonly nothingSent = true,
  ) {
    super(message);
    this.name = "ToolInputError";
  }
}

/**
 * A composite tool failed part-way. The agent is told what was written and what was not, so
 * that calling again (which re-reads and writes only what still differs) is safe.
 */
export class PartialWriteError extends Error {
  constructor(
    readonly failure: unknown,
    readonly written: readonly string[],
    readonly notWritten: readonly string[],
  ) {
    super("composite tool failed part-way");
    this.name = "PartialWriteError";
  }
}

export function requireLocation(args: { locationId?: string | undefined }, ctx: ToolContext): string {
  const locationId = args.locationId ?? ctx.locationId;
  if (!locationId) {
    throw new ToolInputError(
      "locationId is required: pass `locationId`, or set GHL_LOCATION_ID so it defaults to your sub-account.",
    );
  }
  return locationId;
}
