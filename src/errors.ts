/**
 * One mapper from any failure inside a tool call to a short message the agent can act on.
 * Handlers never catch for formatting. Upstream text is untrusted: only GHL's validation
 * messages are quoted (they help the agent fix its input), trimmed and scrubbed.
 */
import type { ZodError } from "zod";
import { GhlApiError, GhlNetworkError, GhlThrottledError } from "./ghl/http.js";
import { redactSecrets } from "./log.js";
import { CONTACTS_WRITE } from "./scopes.js";
import { type AnyTool, PartialWriteError, ToolInputError } from "./tool.js";

const NO_REQUEST = "No request was sent to GHL.";

export function formatInputError(error: ZodError): string {
  const problems = error.issues.slice(0, 8).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
    }
    const field = issue.path.length ? `\`${issue.path.join(".")}\`` : "arguments";
    return `${field}: ${issue.message}`;
  });
  return `Invalid arguments: ${problems.join("; ")}. ${NO_REQUEST}`;
}

export interface ErrorContext {
  tool: AnyTool;
  secrets: readonly string[];
}

export function toAgentMessage(error: unknown, { tool, secrets }: ErrorContext): string {
  if (error instanceof PartialWriteError) {
    const cause = toAgentMessage(error.failure, { tool, secrets });
    return (
      `${cause} Written before the failure: ${error.written.join("; ") || "nothing"}. ` +
      `Not written: ${error.notWritten.join("; ")}. ` +
      `Calling ${tool.name} again with the same input writes only what is still missing.`
    );
  }
  if (error instanceof ToolInputError)
    return error.nothingSent ? `${error.message} ${NO_REQUEST}` : error.message;
  if (error instanceof GhlApiError) return redactSecrets(apiErrorMessage(error, tool), secrets);
  if (error instanceof GhlNetworkError) return networkErrorMessage(error, tool);
  if (error instanceof GhlThrottledError) return throttledMessage(error);
  return `Internal error in ${tool.name}; the details are in the server log. Retrying may not help.`;
}

function apiErrorMessage(error: GhlApiError, tool: AnyTool): string {
  const ghlSays = upstreamMessages(error);
  const quoted = ghlSays.length ? ` GHL says: ${ghlSays.map((m) => `"${m}"`).join("; ")}.` : "";
  switch (true) {
    case error.status === 401 && ghlSays.some((m) => /scope/i.test(m)):
      return (
        `The GHL token is not authorized for ${tool.name} (needs ${tool.scopes.join(", ")}). ` +
        "Add that scope to the Private Integration token in GHL, then list it in GHL_SCOPES."
      );
    case error.status === 401:
      return "GHL rejected the token (401): it is invalid, expired or revoked. Set GHL_TOKEN to a valid token.";
    case error.status === 403:
      return (
        `GHL refused access (403).${quoted} Check that GHL_LOCATION_ID (or locationId) is the sub-account ` +
        "the token belongs to."
      );
    case error.status === 404 && error.method === "DELETE" && error.afterUnknownOutcome === true:
      return (
        "Not found (404) when the delete was retried: the first attempt's answer was lost, so it most " +
        `likely deleted the record already. ${notFoundHint(error.path)}`
      );
    case error.status === 404:
      return `Not found (404): ${notFoundHint(error.path)}${quoted}`;
    case error.status === 422 || error.status === 400:
      return `GHL rejected the request (${error.status}).${quoted} Fix the arguments and retry.`;
    case error.status === 429:
      return `GHL rate limit reached (429). Retry in ${retryAfterSeconds(error)} s.`;
    case error.status >= 500:
      return `GHL is unavailable (${error.status})${afterAttempts(error)}. ${tool.access === "write" ? writeOutcomeHint(tool) : "Retry shortly."}`;
    default:
      return `GHL answered ${error.status}.${quoted}`;
  }
}

function networkErrorMessage(error: GhlNetworkError, tool: AnyTool): string {
  const after = afterAttempts(error);
  const next = tool.access === "write" && error.sent ? writeOutcomeHint(tool) : "Retry shortly.";
  switch (error.kind) {
    case "aborted":
      return "The call was cancelled before GHL answered.";
    case "connect":
      return `Could not connect to GHL${after} (connection refused, DNS failure or connect timeout). Check GHL_BASE_URL and the network, then retry.`;
    case "timeout":
      return `GHL did not answer in time${after}. ${next}`;
    case "malformed":
      return `GHL sent a response that is not JSON${after}. ${next}`;
    default:
      return `The connection to GHL broke${after}. ${next}`;
  }
}

/** Throttled calls changed nothing at GHL, so a plain retry is always safe. */
function throttledMessage(error: GhlThrottledError): string {
  const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  switch (error.reason) {
    case "daily-quota":
      return (
        "GHL's daily request quota for this sub-account is used up, so no request was sent. " +
        `It resets daily; retry later (this server checks again in ${seconds} s).`
      );
    case "busy":
      return `GHL is answering slowly and every connection is busy; nothing was sent. Retry in ${seconds} s.`;
    default:
      return `GHL rate limit reached${error.sawStatus429 ? " (429)" : ""}; nothing was changed. Retry in ${seconds} s.`;
  }
}

/** " after 4 attempts" once the retry loop gave up on a request it tried more than once. */
function afterAttempts(error: { attempts?: number }): string {
  return error.attempts !== undefined && error.attempts > 1 ? ` after ${error.attempts} attempts` : "";
}

function writeOutcomeHint(tool: AnyTool): string {
  return tool.scopes.includes(CONTACTS_WRITE) && tool.name.startsWith("create_")
    ? "The write may or may not have happened: list the contact's records before retrying, to avoid a duplicate."
    : "The write may or may not have happened: read the record before retrying.";
}

function notFoundHint(path: string): string {
  if (/\/tasks\/[^/]+/.test(path)) return "no such task on this contact. Use list_tasks to find task ids.";
  if (/\/notes\/[^/]+/.test(path)) return "no such note on this contact. Use list_notes to find note ids.";
  if (path.startsWith("/contacts/business/")) return "no such business in this location.";
  return "no contact with that id in this location. Use search_contacts or list_contacts to find it.";
}

function retryAfterSeconds(error: GhlApiError): number {
  const header = error.headers["retry-after"];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds);
  const interval = Number(error.headers["x-ratelimit-interval-milliseconds"]);
  return Number.isFinite(interval) && interval > 0 ? Math.ceil(interval / 1000) : 10;
}

/** GHL's messages as the agent may read them: short, printable, no quotes to break ours. */
function upstreamMessages(error: GhlApiError): string[] {
  return error
    .messages()
    .map((m) =>
      m
        // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
        .replace(/[\u0000-\u001f\u007f"`]/g, " ")
        .trim()
        .slice(0, 200),
    )
    .filter(Boolean);
}
