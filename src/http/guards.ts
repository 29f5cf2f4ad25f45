/**
 * Checks every /mcp request passes before it reaches authentication or the MCP transport: the
 * Host and Origin headers (DNS-rebinding protection: a web page must not be able to drive a
 * server on the user's machine or network through the browser), and the body size.
 */
import type { IncomingMessage } from "node:http";

/** Host names a server on this machine is reached by; always accepted. */
export const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"] as const;

/**
 * The lower-case host name of a Host header or a --host value, without the port; IPv6 keeps its
 * brackets ("[::1]"). Undefined when the text is not a plain host.
 */
export function hostnameOf(text: string | undefined): string | undefined {
  const value = text?.trim();
  if (!value) return undefined;
  // A bare IPv6 address (a --host value such as ::1) needs brackets to parse as a URL host.
  const bracketed = value.includes(":") && !value.startsWith("[") && value.split(":").length > 2;
  try {
    const url = new URL(`http://${bracketed ? `[${value}]` : value}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isLoopbackHost(text: string): boolean {
  const hostname = hostnameOf(text);
  if (!hostname) return false;
  return (LOOPBACK_HOSTNAMES as readonly string[]).includes(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function hostAllowed(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  const hostname = hostnameOf(hostHeader);
  return hostname !== undefined && allowed.includes(hostname);
}

/** `scheme://host[:port]` of an origin, or undefined for anything else (including "null"). */
export function normalizeOrigin(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * No Origin header (a server-side client such as Dust) passes. A browser page passes when it
 * was itself served from this machine (a loopback origin, like the loopback Host names) or its
 * origin is listed; a rebinding page has its own, foreign origin.
 */
export function originAllowed(originHeader: string | undefined, allowed: readonly string[]): boolean {
  if (originHeader === undefined) return true;
  const origin = normalizeOrigin(originHeader);
  if (origin === undefined) return false;
  return allowed.includes(origin) || isLoopbackHost(new URL(origin).host);
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/**
 * Reads the request body up to `limit` bytes. A body announced or found to be larger is not
 * kept: the rest is drained (so the 413 reaches the client instead of a reset) while the caller
 * answers and closes the connection.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, tooLarge: true };
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.off("end", onEnd);
      req.resume();
      resolve({ ok: false, tooLarge: true });
    };
    const onEnd = () => resolve({ ok: true, body: Buffer.concat(chunks) });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}
