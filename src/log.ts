/**
 * Logging goes to stderr only: in stdio mode stdout belongs to the MCP protocol.
 */
import pino from "pino";

export type Logger = pino.Logger;
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel, secrets: string[] = []): Logger {
  return pino(
    {
      name: "ghl-contacts-mcp",
      level,
      redact: {
        paths: [
          "token",
          "*.token",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "*.headers.authorization",
        ],
        censor: "[redacted]",
      },
      hooks: {
        // Belt and braces: scrub any configured secret from every message string.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? redactSecrets(arg, secrets) : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  return out;
}
