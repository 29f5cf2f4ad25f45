/**
 * Configuration from the environment, overridden by command-line flags. Every option is declared
 * once in OPTIONS (the README's configuration table is generated from it). A bad value stops the
 * server at start with one line that says what to fix.
 */
import { parseArgs } from "node:util";
import { LOG_LEVELS, type LogLevel } from "./log.js";
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
  sandbox: boolean;
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
    flag: "--sandbox",
    default: "off",
    description: `Serve against a built-in demo GHL API with sample data; no token needed. Grants ${CONTACTS_READ} and ${CONTACTS_WRITE} unless GHL_SCOPES is set.`,
  },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ParsedCommand {
  command: "serve" | "tools" | "help" | "version";
  json: boolean;
  config: Config;
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
  if (positionals.length > 1 || (sub !== undefined && sub !== "tools")) {
    throw new ConfigError(`Unknown command "${positionals.join(" ")}". Commands: tools. Run with --help.`);
  }
  const command = values.help ? "help" : values.version ? "version" : sub === "tools" ? "tools" : "serve";

  const sandbox = values.sandbox ?? false;
  const token = (env.GHL_TOKEN ?? "").trim();
  // Listing tools needs no token: it only shows what a configuration would expose.
  if (!token && !sandbox && command === "serve") {
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

  return {
    command,
    json: values.json ?? false,
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
      sandbox,
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
