/**
 * Configuration from the environment, overridden by command-line flags. Every option is declared
 * once in OPTIONS (the README's configuration table is generated from it). A bad value stops the
 * server at start with one line that says what to fix.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type AuditSettings,
  DEFAULT_AUDIT_KEEP,
  DEFAULT_AUDIT_MAX_BYTES,
  defaultAuditFile,
} from "./audit/settings.js";
import {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_RATE_WAIT_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RATE_LIMIT,
  DEFAULT_TIMEOUT_MS,
  type ResilienceOptions,
} from "./ghl/http.js";
import type { RateLimit } from "./ghl/pacer.js";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "./log.js";
import { type FaultSpec, parseFaults } from "./sandbox/faults.js";
import { CONTACTS_READ, CONTACTS_WRITE, KNOWN_SCOPES, parseScopeList } from "./scopes.js";
import { TOOLSETS } from "./tool.js";

export interface Config {
  token: string;
  locationId: string | undefined;
  scopes: string[];
  baseUrl: string;
  apiVersion: string;
  readOnly: boolean;
  toolsets: string[] | undefined;
  tools: string[] | undefined;
  excludeTools: string[] | undefined;
  logLevel: LogLevel;
  /** undefined: pretty when stderr is a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined;
  sandbox: boolean;
  audit: AuditSettings;
  /** Pacing, retries and timeouts of the GHL client (src/ghl/http.ts). */
  resilience: ResilienceOptions;
  /** GHL_SANDBOX_FAULTS, read only with --sandbox. */
  sandboxFaults: FaultSpec[] | undefined;
}

export interface OptionDoc {
  env?: string;
  flag?: string;
  default: string;
  description: string;
}

export const DEFAULT_BASE_URL = "https://services.leadconnectorhq.com";
export const DEFAULT_API_VERSION = "2021-07-28";

export const OPTIONS: readonly OptionDoc[] = [
  {
    env: "GHL_TOKEN",
    default: "(required)",
    description:
      "Private Integration Token or location access token of the sub-account. Not needed with --sandbox.",
  },
  {
    env: "GHL_LOCATION_ID",
    default: "(none)",
    description: "Sub-account (location) id; the default `locationId`.",
  },
  {
    env: "GHL_SCOPES",
    default: CONTACTS_READ,
    description: `Scopes granted to the token, space or comma separated. Add ${CONTACTS_WRITE} to enable write tools.`,
  },
  {
    env: "GHL_BASE_URL",
    default: DEFAULT_BASE_URL,
    description: "GHL API base URL (https; http only for loopback).",
  },
  { env: "GHL_API_VERSION", default: DEFAULT_API_VERSION, description: "Value of GHL's `Version` header." },
  {
    env: "GHL_RATE_LIMIT",
    default: `${DEFAULT_RATE_LIMIT.max}/${DEFAULT_RATE_LIMIT.intervalMs}`,
    description:
      "Burst limit to pace requests by, as requests/milliseconds; corrected from GHL's X-RateLimit-* headers.",
  },
  {
    env: "GHL_MAX_CONCURRENCY",
    default: String(DEFAULT_MAX_CONCURRENCY),
    description: "Requests to GHL in flight at once.",
  },
  {
    env: "GHL_MAX_RETRIES",
    default: String(DEFAULT_MAX_RETRIES),
    description:
      "Retries of a read, update or delete after a 5xx, reset or timeout (backoff with jitter). Creates are never repeated blindly.",
  },
  {
    env: "GHL_TIMEOUT_MS",
    default: String(DEFAULT_TIMEOUT_MS),
    description: "Deadline of one attempt (connect, headers and body).",
  },
  {
    env: "GHL_MAX_RATE_WAIT_MS",
    default: String(DEFAULT_MAX_RATE_WAIT_MS),
    description:
      "Longest a call waits for the rate limit (pacing and 429s) before failing with when to retry.",
  },
  {
    env: "GHL_READ_ONLY",
    flag: "--read-only",
    default: "false",
    description: "Hide and refuse every write tool, whatever the scopes.",
  },
  {
    env: "GHL_TOOLSETS",
    flag: "--toolsets",
    default: "all",
    description: `Comma-separated toolsets to enable: ${TOOLSETS.join(", ")}.`,
  },
  {
    env: "GHL_TOOLS",
    flag: "--tools",
    default: "(all)",
    description: "Comma-separated tool names to enable (adds to --toolsets).",
  },
  {
    env: "GHL_EXCLUDE_TOOLS",
    flag: "--exclude-tools",
    default: "(none)",
    description: "Comma-separated tool names to disable.",
  },
  {
    env: "LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    description: `Log level on stderr: ${LOG_LEVELS.join(", ")}.`,
  },
  {
    env: "LOG_FORMAT",
    default: "json (pretty on a terminal)",
    description: `Log format on stderr: ${LOG_FORMATS.join(" or ")}.`,
  },
  {
    env: "GHL_AUDIT_FILE",
    default: "$XDG_STATE_HOME/ghl-contacts-mcp/audit.jsonl (else ~/.local/state/…); off with --sandbox",
    description:
      "Audit log: one JSON line per write sent to GHL, fsynced before the tool answers, mode 0600. `off` disables it.",
  },
  {
    env: "GHL_AUDIT_MAX_BYTES",
    default: String(DEFAULT_AUDIT_MAX_BYTES),
    description: "Size at which the audit log rotates (audit.jsonl → audit.jsonl.1 → …).",
  },
  {
    env: "GHL_AUDIT_KEEP",
    default: String(DEFAULT_AUDIT_KEEP),
    description: "Rotated audit files kept besides the current one; older ones are deleted.",
  },
  {
    flag: "--sandbox",
    default: "off",
    description: `Serve against a built-in demo GHL API with sample data; no token needed. Grants ${CONTACTS_READ} and ${CONTACTS_WRITE} unless GHL_SCOPES is set.`,
  },
  {
    env: "GHL_SANDBOX_FAULTS",
    default: "(none)",
    description:
      'With --sandbox: faults the demo API injects, as JSON, e.g. `[{"status":503,"probability":0.05},{"method":"POST","reset":"after"}]` (see src/sandbox/faults.ts).',
  },
  {
    flag: "--http",
    default: "off (stdio)",
    description:
      "Serve MCP over Streamable HTTP at /mcp (stateless, so replicas can share a load balancer), with GET /healthz for probes.",
  },
  { env: "MCP_HOST", flag: "--host", default: "127.0.0.1", description: "Address --http listens on." },
  {
    env: "MCP_PORT",
    flag: "--port",
    default: "3000",
    description: "Port --http listens on (0 picks a free one).",
  },
  {
    env: "MCP_AUTH_TOKENS",
    default: "(none)",
    description:
      "Comma-separated bearer keys (32+ characters each) accepted on /mcp; all of them use the GHL settings above.",
  },
  {
    env: "GHL_TENANTS_FILE",
    default: "(none)",
    description:
      "JSON file giving each bearer key (by its SHA-256) its own GHL token, location, scopes, read-only flag and toolsets. Replaces MCP_AUTH_TOKENS; see Deployment.",
  },
  {
    flag: "--no-auth",
    default: "off",
    description: "Serve /mcp without keys; refused unless the host is loopback.",
  },
  {
    env: "MCP_ALLOWED_HOSTS",
    default: "localhost, 127.0.0.1, [::1]",
    description:
      "More host names accepted in the Host header of /mcp (comma separated), e.g. your public host name; others get 403.",
  },
  {
    env: "MCP_ALLOWED_ORIGINS",
    default: "loopback origins",
    description:
      "More browser origins allowed to call /mcp (comma separated, e.g. https://app.example.com); a request with any other Origin gets 403.",
  },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ParsedCommand {
  command: "serve" | "tools" | "doctor" | "help" | "version";
  json: boolean;
  config: Config;
  /** Transport flags as given; src/http/config.ts checks them (parseHttpConfig). */
  httpFlags: HttpFlags;
}

export interface HttpFlags {
  http: boolean;
  host: string | undefined;
  port: string | undefined;
  noAuth: boolean;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** @param toolNames every tool's name, to refuse a misspelt --tools / --exclude-tools entry */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  toolNames: readonly string[],
): ParsedCommand {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (positionals.length > 1 || (sub !== undefined && sub !== "tools" && sub !== "doctor")) {
    throw new ConfigError(
      `Unknown command "${positionals.join(" ")}". Commands: tools, doctor. Run with --help.`,
    );
  }
  const command = values.help ? "help" : values.version ? "version" : (sub ?? "serve");

  const sandbox = values.sandbox ?? false;
  const token = (env.GHL_TOKEN ?? "").trim();
  // Listing tools needs no token: it only shows what a configuration would expose. Over HTTP
  // with a tenants file, each tenant brings its own token.
  const tenantsServeTokens = values.http === true && !!env.GHL_TENANTS_FILE?.trim();
  if (!token && !sandbox && (command === "serve" || command === "doctor") && !tenantsServeTokens) {
    throw new ConfigError(
      "GHL_TOKEN is not set. Set it to a Private Integration Token of your sub-account, or run with --sandbox to try the demo.",
    );
  }

  const locationId = emptyToUndefined(env.GHL_LOCATION_ID);
  if (locationId !== undefined && !ID.test(locationId)) {
    throw new ConfigError(`GHL_LOCATION_ID "${locationId}" is not a GHL id (letters, digits, '-' and '_').`);
  }

  const scopeText = emptyToUndefined(env.GHL_SCOPES);
  const scopes = scopeText
    ? parseScopeList(scopeText)
    : sandbox
      ? [CONTACTS_READ, CONTACTS_WRITE]
      : [CONTACTS_READ];
  const unknownScopes = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (unknownScopes.length) {
    throw new ConfigError(
      `GHL_SCOPES has unknown scope ${unknownScopes.map((s) => `"${s}"`).join(", ")}. Use GHL's names, e.g. ${CONTACTS_READ} ${CONTACTS_WRITE}.`,
    );
  }

  const baseUrl = env.GHL_BASE_URL?.trim() || DEFAULT_BASE_URL;
  checkBaseUrl(baseUrl);

  const apiVersion = env.GHL_API_VERSION?.trim() || DEFAULT_API_VERSION;
  if (!/^[A-Za-z0-9.-]{1,20}$/.test(apiVersion)) {
    throw new ConfigError(`GHL_API_VERSION "${apiVersion}" is not a version such as ${DEFAULT_API_VERSION}.`);
  }

  const toolsets = list(values.toolsets ?? env.GHL_TOOLSETS);
  const everyToolset = toolsets?.includes("all");
  checkNames(
    "toolset",
    "--toolsets / GHL_TOOLSETS",
    toolsets?.filter((t) => t !== "all"),
    TOOLSETS,
  );
  const tools = list(values.tools ?? env.GHL_TOOLS);
  checkNames("tool", "--tools / GHL_TOOLS", tools, toolNames);
  const excludeTools = list(values["exclude-tools"] ?? env.GHL_EXCLUDE_TOOLS);
  checkNames("tool", "--exclude-tools / GHL_EXCLUDE_TOOLS", excludeTools, toolNames);

  const logLevel = (values["log-level"] ?? env.LOG_LEVEL ?? "info").trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`Log level "${logLevel}" is not one of ${LOG_LEVELS.join(", ")}.`);
  }
  const logFormat = emptyToUndefined(env.LOG_FORMAT)?.toLowerCase();
  if (logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new ConfigError(`LOG_FORMAT "${logFormat}" is not one of ${LOG_FORMATS.join(", ")}.`);
  }

  return {
    command,
    json: values.json ?? false,
    httpFlags: {
      http: values.http ?? false,
      host: values.host,
      port: values.port,
      noAuth: values["no-auth"] ?? false,
    },
    config: {
      token,
      locationId,
      scopes,
      baseUrl,
      apiVersion,
      readOnly: (values["read-only"] ?? false) || parseBool("GHL_READ_ONLY", env.GHL_READ_ONLY),
      toolsets: everyToolset ? undefined : toolsets,
      tools,
      excludeTools,
      logLevel: logLevel as LogLevel,
      logFormat: logFormat as LogFormat | undefined,
      audit: parseAudit(env, sandbox),
      sandbox,
      resilience: parseResilience(env),
      sandboxFaults: sandbox ? parseSandboxFaults(env.GHL_SANDBOX_FAULTS) : undefined,
    },
  };
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      sandbox: { type: "boolean" },
      "read-only": { type: "boolean" },
      toolsets: { type: "string" },
      tools: { type: "string" },
      "exclude-tools": { type: "string" },
      "log-level": { type: "string" },
      json: { type: "boolean" },
      http: { type: "boolean" },
      host: { type: "string" },
      port: { type: "string" },
      "no-auth": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

function emptyToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items?.length ? [...new Set(items)] : undefined;
}

function checkNames(kind: string, source: string, names: string[] | undefined, known: readonly string[]) {
  const unknown = names?.filter((n) => !known.includes(n)) ?? [];
  if (unknown.length) {
    throw new ConfigError(
      `${source} names unknown ${kind} ${unknown.map((n) => `"${n}"`).join(", ")}. Known: ${known.join(", ")}.`,
    );
  }
}

function parseBool(name: string, value: string | undefined): boolean {
  const v = value?.trim().toLowerCase();
  if (!v) return false;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}".`);
}

/** Sandbox writes are demo data, so they stay out of the real audit log unless a file is named. */
function parseAudit(env: NodeJS.ProcessEnv, sandbox: boolean): AuditSettings {
  const named = emptyToUndefined(env.GHL_AUDIT_FILE);
  const off = named ? named.toLowerCase() === "off" : sandbox;
  return {
    file: off ? undefined : resolve(named ?? defaultAuditFile(env)),
    maxBytes: positiveInteger("GHL_AUDIT_MAX_BYTES", env.GHL_AUDIT_MAX_BYTES, DEFAULT_AUDIT_MAX_BYTES, 1024),
    keep: positiveInteger("GHL_AUDIT_KEEP", env.GHL_AUDIT_KEEP, DEFAULT_AUDIT_KEEP, 1),
  };
}

function positiveInteger(name: string, value: string | undefined, fallback: number, min: number): number {
  const text = emptyToUndefined(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, not "${value}".`);
  }
  return n;
}

function parseResilience(env: NodeJS.ProcessEnv): ResilienceOptions {
  return {
    rateLimit: parseRateLimit(env.GHL_RATE_LIMIT),
    maxConcurrency: boundedInteger(
      "GHL_MAX_CONCURRENCY",
      env.GHL_MAX_CONCURRENCY,
      DEFAULT_MAX_CONCURRENCY,
      1,
      64,
    ),
    maxRetries: boundedInteger("GHL_MAX_RETRIES", env.GHL_MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, 10),
    timeoutMs: boundedInteger("GHL_TIMEOUT_MS", env.GHL_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 10, 600_000),
    maxRateWaitMs: boundedInteger(
      "GHL_MAX_RATE_WAIT_MS",
      env.GHL_MAX_RATE_WAIT_MS,
      DEFAULT_MAX_RATE_WAIT_MS,
      0,
      600_000,
    ),
  };
}

/** "100/10000": 100 requests per 10,000 ms. */
function parseRateLimit(value: string | undefined): RateLimit {
  const text = emptyToUndefined(value);
  if (text === undefined) return { ...DEFAULT_RATE_LIMIT };
  const match = /^(\d{1,6})\s*\/\s*(\d{1,9})$/.exec(text);
  const max = Number(match?.[1]);
  const intervalMs = Number(match?.[2]);
  if (!match || max < 1 || max > 100_000 || intervalMs < 10 || intervalMs > 86_400_000) {
    throw new ConfigError(
      `GHL_RATE_LIMIT "${value}" is not requests/milliseconds such as ${DEFAULT_RATE_LIMIT.max}/${DEFAULT_RATE_LIMIT.intervalMs}.`,
    );
  }
  return { max, intervalMs };
}

function boundedInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = emptyToUndefined(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${value}".`);
  }
  return n;
}

function parseSandboxFaults(value: string | undefined): FaultSpec[] | undefined {
  const text = emptyToUndefined(value);
  if (text === undefined) return undefined;
  try {
    return parseFaults(text);
  } catch (error) {
    throw new ConfigError(`GHL_SANDBOX_FAULTS ${(error as Error).message}.`);
  }
}

function checkBaseUrl(text: string) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`GHL_BASE_URL "${text}" is not a URL. Use ${DEFAULT_BASE_URL}.`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ConfigError(`GHL_BASE_URL must use https (http is allowed only on loopback); got "${text}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError("GHL_BASE_URL must not carry a query, fragment or credentials.");
  }
}
