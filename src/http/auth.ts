/**
 * Bearer-key authentication of /mcp. Keys are compared by their SHA-256 in constant time, so
 * neither a key's length nor how much of it matched shows in the response time, and a tenants
 * file can hold hashes instead of keys. A key never reaches a log line: callers are named by
 * tenant or by a short key id derived from the hash.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { App, Tenant } from "../app.js";
import type { HttpAuth } from "./config.js";

/** Who a request acts for: the name in logs and audit records, and the sub-account it may use. */
export interface Principal {
  caller: string;
  tenant: Tenant;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: "missing" | "invalid" };

export type Authenticator = (authorizationHeader: string | undefined) => AuthResult;

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A non-secret name for a key: the first 8 hex digits of its SHA-256. */
export function keyId(key: string): string {
  return `key-${sha256(key).toString("hex").slice(0, 8)}`;
}

/** Looks a key up among known key hashes, always comparing against every entry. */
export class KeyRing<T> {
  private readonly entries: Array<{ digest: Buffer; value: T }>;

  constructor(entries: Iterable<{ keySha256: string; value: T }>) {
    this.entries = [...entries].map((e) => ({ digest: Buffer.from(e.keySha256, "hex"), value: e.value }));
  }

  match(key: string): T | undefined {
    const digest = sha256(key);
    let found: T | undefined;
    for (const entry of this.entries) {
      // No early exit: the time taken must not depend on which entry (if any) matched.
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.value;
    }
    return found;
  }
}

/** The key of an `Authorization: Bearer <key>` header. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return match?.[1];
}

export function createAuthenticator(app: App, auth: HttpAuth): Authenticator {
  if (auth.kind === "none") {
    const principal = { caller: "anonymous", tenant: requirePrimary(app) };
    return () => ({ ok: true, principal });
  }
  const ring =
    auth.kind === "keys"
      ? new KeyRing(
          auth.keys.map((key) => ({
            keySha256: sha256(key).toString("hex"),
            value: { caller: keyId(key), tenant: requirePrimary(app) },
          })),
        )
      : new KeyRing(
          auth.tenants.map((spec) => {
            const tenant = app.tenants.get(spec.name);
            if (!tenant) throw new Error(`tenant ${spec.name} was not opened by the app`);
            return { keySha256: spec.keySha256, value: { caller: spec.name, tenant } };
          }),
        );
  return (header) => {
    const key = bearerKey(header);
    if (key === undefined) return { ok: false, reason: "missing" };
    const principal = ring.match(key);
    return principal ? { ok: true, principal } : { ok: false, reason: "invalid" };
  };
}

function requirePrimary(app: App): Tenant {
  if (!app.primary) throw new Error("the app serves tenants only; keys need a tenant each");
  return app.primary;
}
