/**
 * Logging goes to stderr only: in stdio mode stdout belongs to the MCP protocol. JSON lines by
 * default, a short human format when stderr is a terminal (or LOG_FORMAT=pretty). Secrets are
 * scrubbed twice: values under secret-looking keys anywhere in a log object, and every
 * configured secret (the GHL token) or bearer credential wherever it appears in the final line.
 *
 * Also here: MCP log notifications (notifications/message) for the few events a user of the
 * client should see, at the level the client set with logging/setLevel.
 */
import type { LoggingLevel } from "@modelcontextprotocol/sdk/types.js";
import pino from "pino";

export type Logger = pino.Logger;
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  /** Default: pretty when stderr is a terminal, JSON otherwise. */
  format?: LogFormat | undefined;
  /** Where lines go instead of stderr (tests). */
  destination?: { write(line: string): void } | undefined;
}

const REDACTED = "[redacted]";

export function createLogger(
  level: LogLevel,
  secrets: readonly string[] = [],
  options: LoggerOptions = {},
): Logger {
  const format = options.format ?? (process.stderr.isTTY ? "pretty" : "json");
  const sink = options.destination ?? pino.destination({ dest: 2, sync: true });
  const color = !options.destination && process.stderr.isTTY === true;
  const destination =
    format === "pretty" ? { write: (line: string) => sink.write(prettyLine(line, color)) } : sink;
  const scrub = secretScrubber(secrets);
  return pino(
    {
      name: "ghl-contacts-mcp",
      level,
      formatters: {
        log: (object) => redactKeys(object) as Record<string, unknown>,
        bindings: (bindings) => redactKeys(bindings) as pino.Bindings,
      },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
}

/** Replaces each secret (8+ characters, so short values never mangle a log) with [redacted]. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

// Keys whose values are credentials, matched at the end of the key: authorization,
// set-cookie, accessToken, client_secret, x-api-key, apiKey, password …
const SECRET_KEY =
  /(authorization|cookie|passw(or)?d|secret|token|api[-_]?key|private[-_]?key|access[-_]?key)$/i;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Log objects are small, so a bounded walk is cheap; errors are left to pino's serializer. */
function redactKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object" || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item != null && item !== "" ? REDACTED : redactKeys(item, depth + 1);
  }
  return out;
}

/** The last word on every line: configured secrets (raw and JSON-escaped) and bearer credentials. */
function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return (line) => redactSecrets(line, forms).replace(BEARER, `$1 ${REDACTED}`);
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const LEVEL_COLORS: Record<number, string> = { 40: "\u001b[33m", 50: "\u001b[31m", 60: "\u001b[31m" };

/** `12:04:05.123 INFO  tool call tool=create_note ms=12 outcome=ok`, and an error's stack below. */
export function prettyLine(json: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const { time, level, msg, pid: _pid, hostname: _host, name: _name, err, ...fields } = entry;
  const clock = typeof time === "number" ? new Date(time).toISOString().slice(11, 23) : "";
  let label = (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5);
  if (color && LEVEL_COLORS[level as number]) label = `${LEVEL_COLORS[level as number]}${label}\u001b[0m`;
  const rest = Object.entries(fields).map(
    ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
  );
  const { type: _type, stack, ...errFields } = (err ?? {}) as { type?: string; stack?: string };
  if (err && !stack) rest.push(`err=${JSON.stringify(errFields)}`);
  const stackLines = stack ? `\n    ${stack.split("\n").join("\n    ")}` : "";
  return `${[clock, label, msg ?? "", ...rest].filter((s) => s !== "").join(" ")}${stackLines}\n`;
}

// MCP log notifications ---------------------------------------------------------------------

const MCP_LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** Sends MCP log notifications for one tool call; never throws, never blocks the call. */
export interface ClientLog {
  send(level: LoggingLevel, message: string): void;
  /** Like send, but only the first time `key` comes up in this MCP session. */
  once(key: string, level: LoggingLevel, message: string): void;
}

type SendNotification = (notification: {
  method: "notifications/message";
  params: { level: LoggingLevel; logger: string; data: string };
}) => Promise<void>;

/**
 * What each MCP session asked for with logging/setLevel (the SDK's own bookkeeping is private
 * and its sendLoggingMessage does not reach stateless HTTP clients, so we keep our own and send
 * through the request's sendNotification). Until a client sets a level it gets every event.
 */
export class ClientLogging {
  private readonly levels = new Map<string | undefined, LoggingLevel>();
  private readonly seen = new Set<string>();

  setLevel(sessionId: string | undefined, level: LoggingLevel): void {
    this.levels.set(sessionId, level);
  }

  allows(sessionId: string | undefined, level: LoggingLevel): boolean {
    const threshold = this.levels.get(sessionId);
    return threshold === undefined || MCP_LEVELS.indexOf(level) >= MCP_LEVELS.indexOf(threshold);
  }

  forRequest(
    sessionId: string | undefined,
    sendNotification: SendNotification,
    secrets: readonly string[],
    log: Logger,
  ): ClientLog {
    const send = (level: LoggingLevel, message: string) => {
      if (!this.allows(sessionId, level)) return;
      sendNotification({
        method: "notifications/message",
        params: { level, logger: "ghl-contacts-mcp", data: redactSecrets(message, secrets) },
      }).catch((error: unknown) => log.debug({ err: error }, "MCP log notification not delivered"));
    };
    return {
      send,
      once: (key, level, message) => {
        const sessionKey = `${sessionId ?? ""}\u0000${key}`;
        if (this.seen.has(sessionKey)) return;
        this.seen.add(sessionKey);
        send(level, message);
      },
    };
  }
}
