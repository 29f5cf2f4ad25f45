/**
 * Builds an MCP server over the tool registry. We use the SDK's low-level `Server` rather than
 * `McpServer` because the registry owns what McpServer would otherwise decide: the prebuilt
 * tools/list (no per-session schema conversion), refusals that explain themselves for tools a
 * client cached but may not call, and input errors that name the field.
 */
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  SetLevelRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { AuditLog } from "./audit/audit-log.js";
import { auditTrail } from "./audit/trail.js";
import { formatInputError, toAgentMessage } from "./errors.js";
import { GhlClient } from "./ghl/client.js";
import type { GhlHttp } from "./ghl/http.js";
import { type ClientLog, ClientLogging, type Logger } from "./log.js";
import type { ToolRegistry, ToolSelection } from "./registry.js";
import type { AnyTool, ToolContext } from "./tool.js";
import { VERSION } from "./version.js";

export interface ServerDeps {
  registry: ToolRegistry;
  selection: ToolSelection;
  http: GhlHttp;
  locationId: string | undefined;
  /** Refuse a `locationId` argument other than `locationId` (HTTP tenants: one location each). */
  pinLocation?: boolean;
  log: Logger;
  /** Strings that must never appear in a tool result (the GHL token). */
  secrets: readonly string[];
  /** Who is calling, for logs and audit records: "stdio", or the HTTP tenant / key id. */
  caller: string;
  /** Where every write's record goes (AUDIT_OFF when auditing is off). */
  audit: AuditLog;
}

const INSTRUCTIONS =
  "Tools for one GoHighLevel sub-account's contacts and their tasks, notes, tags and appointments. " +
  "Find a contact with search_contacts (or list_contacts), then use its id. Dates are ISO 8601.";

let validator: AjvJsonSchemaValidator | undefined;
function sharedValidator(): AjvJsonSchemaValidator {
  validator ??= new AjvJsonSchemaValidator();
  return validator;
}

export function createMcpServer(deps: ServerDeps): Server {
  // biome-ignore lint/suspicious/noExplicitAny: see the module comment: the low-level Server is intended here.
  const server: Server = new (Server as any)(
    { name: "ghl-contacts-mcp", version: VERSION },
    {
      capabilities: { tools: {}, logging: {} },
      instructions: INSTRUCTIONS,
      // Shared: the SDK would build a new Ajv per server, which over stateless HTTP (a server per
      // request) was the largest single cost of a call.
      jsonSchemaValidator: sharedValidator(),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: deps.selection.listing }));
  // Replaces the SDK's handler: we send log notifications through each request's own stream
  // (see ClientLogging), so we keep the level the client asked for ourselves.
  const clientLogging = new ClientLogging();
  const sessionOf = (extra: { sessionId?: string; requestInfo?: { headers: Record<string, unknown> } }) =>
    extra.sessionId ?? (extra.requestInfo?.headers["mcp-session-id"] as string | undefined);
  server.setRequestHandler(SetLevelRequestSchema, (request, extra) => {
    clientLogging.setLevel(sessionOf(extra), request.params.level);
    return {};
  });
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callTool(deps, request.params.name, request.params.arguments, {
      signal: extra.signal,
      progressToken: request.params._meta?.progressToken,
      notify: (n) => extra.sendNotification(n),
      clientLog: clientLogging.forRequest(
        sessionOf(extra),
        (n) => extra.sendNotification(n),
        deps.secrets,
        deps.log,
      ),
    }),
  );
  return server;
}

interface CallExtra {
  signal: AbortSignal;
  progressToken: string | number | undefined;
  notify(notification: {
    method: "notifications/progress";
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }): Promise<void>;
  clientLog: ClientLog;
}

export async function callTool(
  deps: ServerDeps,
  name: string,
  rawArgs: unknown,
  extra: CallExtra,
): Promise<CallToolResult> {
  const tool = deps.registry.get(name);
  if (!tool) return errorResult(`Unknown tool \`${name}\`. Call tools/list for the available tools.`);
  const refusal = deps.selection.refusal(name);
  if (refusal) return errorResult(`${refusal} No request was sent to GHL.`);

  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) return errorResult(formatInputError(parsed.error));
  const askedLocation = (parsed.data as { locationId?: unknown }).locationId;
  if (deps.pinLocation && askedLocation !== undefined && askedLocation !== deps.locationId) {
    return errorResult(
      `locationId must be this connection's sub-account (${deps.locationId}); leave it out to use it. No request was sent to GHL.`,
    );
  }

  const started = performance.now();
  const requestId = randomUUID();
  const log = deps.log.child({ tool: name, requestId, caller: deps.caller });
  const ghl = new GhlClient(deps.http, {
    signal: extra.signal,
    observe: (event) =>
      log.debug(
        { method: event.method, path: event.path, status: event.status, ms: Math.round(event.durationMs) },
        "GHL request",
      ),
    onWrite: auditTrail({
      tool: name,
      requestId,
      caller: deps.caller,
      audit: deps.audit,
      log,
      clientLog: extra.clientLog,
    }),
  });
  const ctx: ToolContext = {
    ghl,
    toolName: name,
    requestId,
    caller: deps.caller,
    locationId: deps.locationId,
    signal: extra.signal,
    log,
    clientLog: extra.clientLog,
    audit: deps.audit,
    progress: async (progress, total, message) => {
      if (extra.progressToken === undefined) return;
      await extra.notify({
        method: "notifications/progress",
        params: { progressToken: extra.progressToken, progress, total, message },
      });
    },
  };
  const done = (outcome: string) =>
    log.info({ ms: Math.round(performance.now() - started), outcome, ghlRequests: ghl.counts }, "tool call");

  try {
    const output = await tool.handler(parsed.data, ctx);
    const checked = tool.output.safeParse(output);
    if (!checked.success) {
      log.error({ issues: checked.error.issues }, "tool output does not match its schema");
      done("bad-output");
      return errorResult(
        `GHL answered ${name} with a shape this server does not understand; see the server log.`,
      );
    }
    done("ok");
    return okResult(checked.data);
  } catch (error) {
    const message = toAgentMessage(error, { tool, secrets: deps.secrets });
    logFailure(log, tool, error);
    done("error");
    return errorResult(message);
  }
}

function logFailure(log: Logger, tool: AnyTool, error: unknown) {
  const err = error as { name?: string; message?: string; status?: number; body?: unknown; stack?: string };
  const known = [
    "GhlApiError",
    "GhlNetworkError",
    "GhlThrottledError",
    "ToolInputError",
    "PartialWriteError",
  ].includes(err?.name ?? "");
  if (known) log.warn({ err: { name: err.name, message: err.message, status: err.status } }, "tool failed");
  else log.error({ err, tool: tool.name }, "unexpected tool failure");
}

function okResult(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(data) }], structuredContent: data };
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}
