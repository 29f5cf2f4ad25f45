/**
 * Configuration of the HTTP transport (`--http`): where to listen, who may call, which Host and
 * Origin headers to accept. Checked at start like the rest of the configuration: a problem is a
 * ConfigError with one line, and never contains a key.
 */
import { ConfigError, type HttpFlags } from "../config.js";
import { hostnameOf, isLoopbackHost, LOOPBACK_HOSTNAMES, normalizeOrigin } from "./guards.js";
import { loadTenantsFile, type TenantSpec } from "./tenants.js";

export const DEFAULT_HTTP_HOST = "127.0.0.1";
export const DEFAULT_HTTP_PORT = 3000;
/** Shorter keys are guessable; 32 characters is e.g. 16 random bytes in hex. */
export const MIN_KEY_LENGTH = 32;

export type HttpAuth =
  /** MCP_AUTH_TOKENS: every key serves the one GHL configuration from env/flags. */
  | { kind: "keys"; keys: string[] }
  /** GHL_TENANTS_FILE: each key serves its own tenant. */
  | { kind: "tenants"; tenants: TenantSpec[] }
  /** --no-auth, loopback only. */
  | { kind: "none" };

export interface HttpConfig {
  host: string;
  port: number;
  auth: HttpAuth;
  /** Host names (lower case, IPv6 in brackets, no port) accepted in the Host header of /mcp. */
  allowedHosts: string[];
  /** Origins (scheme://host[:port]) accepted in the Origin header of /mcp. */
  allowedOrigins: string[];
}

/** The HTTP settings, or undefined when the server runs over stdio. */
export function parseHttpConfig(flags: HttpFlags, env: NodeJS.ProcessEnv): HttpConfig | undefined {
  if (!flags.http) {
    const stray = [flags.host && "--host", flags.port && "--port", flags.noAuth && "--no-auth"].filter(
      Boolean,
    );
    if (stray.length) throw new ConfigError(`${stray.join(", ")} only apply with --http.`);
    return undefined;
  }

  const host = (flags.host ?? env.MCP_HOST)?.trim() || DEFAULT_HTTP_HOST;
  if (!hostnameOf(host))
    throw new ConfigError(`--host / MCP_HOST "${host}" is not a host name or IP address.`);

  const portText = (flags.port ?? env.MCP_PORT)?.trim() || String(DEFAULT_HTTP_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    throw new ConfigError(
      `--port / MCP_PORT "${portText}" is not a port number (0-65535; 0 picks a free one).`,
    );
  }

  return {
    host,
    port,
    auth: parseAuth(flags, env, host),
    allowedHosts: [...new Set([...LOOPBACK_HOSTNAMES, ...parseAllowedHosts(env.MCP_ALLOWED_HOSTS)])],
    allowedOrigins: parseAllowedOrigins(env.MCP_ALLOWED_ORIGINS),
  };
}

function parseAuth(flags: HttpFlags, env: NodeJS.ProcessEnv, host: string): HttpAuth {
  const keysText = env.MCP_AUTH_TOKENS?.trim();
  const tenantsFile = env.GHL_TENANTS_FILE?.trim();
  if (flags.noAuth) {
    if (keysText || tenantsFile) {
      throw new ConfigError("--no-auth cannot be combined with MCP_AUTH_TOKENS or GHL_TENANTS_FILE.");
    }
    if (!isLoopbackHost(host)) {
      throw new ConfigError(
        `--no-auth is allowed only on a loopback host (127.0.0.1, localhost, ::1), not "${host}". Set MCP_AUTH_TOKENS or GHL_TENANTS_FILE.`,
      );
    }
    return { kind: "none" };
  }
  if (keysText && tenantsFile) {
    throw new ConfigError(
      "Set either MCP_AUTH_TOKENS (one GHL configuration) or GHL_TENANTS_FILE (a GHL configuration per key), not both.",
    );
  }
  if (tenantsFile) return { kind: "tenants", tenants: loadTenantsFile(tenantsFile, env) };
  if (keysText) return { kind: "keys", keys: parseKeys(keysText) };
  throw new ConfigError(
    "--http needs keys: set MCP_AUTH_TOKENS (comma-separated keys of 32+ characters, e.g. from `openssl rand -hex 32`) or GHL_TENANTS_FILE. On a loopback host, --no-auth serves without keys.",
  );
}

function parseKeys(text: string): string[] {
  const keys = text
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  keys.forEach((key, i) => {
    // Positions, never values: a key must not reach the terminal or a log collector.
    if (key.length < MIN_KEY_LENGTH) {
      throw new ConfigError(
        `MCP_AUTH_TOKENS key ${i + 1} has ${key.length} characters; each key needs at least ${MIN_KEY_LENGTH} (e.g. \`openssl rand -hex 32\`).`,
      );
    }
    if (!/^[\x21-\x7e]+$/.test(key)) {
      throw new ConfigError(
        `MCP_AUTH_TOKENS key ${i + 1} has characters that cannot travel in an HTTP header.`,
      );
    }
  });
  return [...new Set(keys)];
}

function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseAllowedHosts(text: string | undefined): string[] {
  return list(text).map((entry) => {
    const hostname = hostnameOf(entry);
    if (!hostname) throw new ConfigError(`MCP_ALLOWED_HOSTS entry "${entry}" is not a host name.`);
    return hostname;
  });
}

function parseAllowedOrigins(text: string | undefined): string[] {
  return list(text).map((entry) => {
    const origin = normalizeOrigin(entry);
    if (!origin) {
      throw new ConfigError(
        `MCP_ALLOWED_ORIGINS entry "${entry}" is not an origin such as https://app.example.com.`,
      );
    }
    return origin;
  });
}
