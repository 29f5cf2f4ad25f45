/**
 * `ghl-contacts-mcp doctor`: checks a configuration the way a person would before connecting a
 * client: GHL reachable, token accepted, location readable, scopes as claimed, rate-limit
 * headroom. Each check prints ✓ or ✗ with what to do; the exit code is 0 only when all pass.
 * It reads only; the scope probe sends an invalid body that GHL refuses before writing anything.
 */
import type { Config } from "./config.js";
import type { ToolRegistry } from "./registry.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "./scopes.js";
import { VERSION } from "./version.js";

export interface Check {
  ok: boolean;
  name: string;
  detail: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { message?: unknown };
}

/** An id no contact has: probes answer 404 (or 422) instead of touching a record. */
const NO_SUCH_CONTACT = "ghlContactsMcpDoctor0";

export async function runDoctor(config: Config, registry: ToolRegistry): Promise<Check[]> {
  // Loaded here, not at the top: the CLI imports this module, and undici is slow to load.
  const { request } = await import("undici");
  const checks: Check[] = [
    { ok: true, name: "configuration", detail: `parsed (ghl-contacts-mcp ${VERSION})` },
  ];
  const call = async (method: "GET" | "POST", path: string, body?: unknown): Promise<Answer> => {
    const res = await request(new URL(path, `${config.baseUrl.replace(/\/+$/, "")}/`), {
      method,
      headers: {
        authorization: `Bearer ${config.token}`,
        version: config.apiVersion,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    let parsed: Answer["body"] = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-JSON answer still tells us GHL is there
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  };

  let answer: Answer;
  try {
    answer = await call("GET", `contacts/${NO_SUCH_CONTACT}`);
    checks.push({ ok: true, name: "GHL reachable", detail: new URL(config.baseUrl).origin });
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    checks.push({ ok: false, name: "GHL reachable", detail: `${code}: check GHL_BASE_URL and the network` });
    return checks;
  }

  const tokenOk = answer.status !== 401;
  checks.push(
    tokenOk
      ? { ok: true, name: "token accepted", detail: `GHL answered ${answer.status} to a read` }
      : {
          ok: false,
          name: "token accepted",
          detail: "401: the token is invalid, expired or revoked; set GHL_TOKEN",
        },
  );
  if (!tokenOk) return checks;

  if (!config.locationId) {
    checks.push({ ok: false, name: "location readable", detail: "GHL_LOCATION_ID is not set" });
  } else {
    answer = await call("GET", `contacts/?locationId=${encodeURIComponent(config.locationId)}&limit=1`);
    checks.push(
      answer.status === 200
        ? { ok: true, name: "location readable", detail: `${config.locationId}: contacts listed` }
        : {
            ok: false,
            name: "location readable",
            detail: `${answer.status} for ${config.locationId}: is it the sub-account the token belongs to?`,
          },
    );
  }

  checks.push(await scopeCheck(config, registry, call));
  checks.push(headroom(answer));
  return checks;
}

/**
 * Whether the token really has contacts.write, whatever GHL_SCOPES claims: a tag write with an
 * empty list to a contact that does not exist. GHL checks the scope first (401), then the body.
 */
async function scopeCheck(
  config: Config,
  registry: ToolRegistry,
  call: (method: "POST", path: string, body: unknown) => Promise<Answer>,
): Promise<Check> {
  const probe = await call("POST", `contacts/${NO_SUCH_CONTACT}/tags`, { tags: [] });
  const tokenCanWrite = probe.status !== 401;
  const claimsWrite = config.scopes.includes(CONTACTS_WRITE);
  const visible = registry.select(config).visible;
  const writes = visible.filter((t) => t.access === "write").length;
  const summary = `${config.scopes.join(" ")} → ${visible.length - writes} read and ${writes} write tools`;
  if (claimsWrite && !tokenCanWrite) {
    return {
      ok: false,
      name: "scopes",
      detail: `GHL_SCOPES lists ${CONTACTS_WRITE} but the token lacks it: grant it in GHL, or remove it (${summary})`,
    };
  }
  if (!config.scopes.includes(CONTACTS_READ)) {
    return {
      ok: false,
      name: "scopes",
      detail: `GHL_SCOPES lacks ${CONTACTS_READ}: no read tool is available`,
    };
  }
  const hint =
    !claimsWrite && tokenCanWrite
      ? `; the token also has ${CONTACTS_WRITE}: add it to GHL_SCOPES to enable writes`
      : "";
  return { ok: true, name: "scopes", detail: `${summary}${config.readOnly ? " (read-only)" : ""}${hint}` };
}

function headroom(answer: Answer): Check {
  const header = (name: string) => {
    const value = answer.headers[name];
    const n = Number(Array.isArray(value) ? value[0] : value);
    return Number.isFinite(n) ? n : undefined;
  };
  const remaining = header("x-ratelimit-remaining");
  const max = header("x-ratelimit-max");
  const daily = header("x-ratelimit-daily-remaining");
  if (remaining === undefined && daily === undefined) {
    return { ok: true, name: "rate-limit headroom", detail: "GHL sent no rate-limit headers" };
  }
  const ok = (remaining ?? 1) > 0 && (daily ?? 1) > 0;
  return {
    ok,
    name: "rate-limit headroom",
    detail: `burst ${remaining ?? "?"}/${max ?? "?"}, daily ${daily ?? "?"} left${ok ? "" : ": wait before using the server"}`,
  };
}

export function formatChecks(checks: readonly Check[]): string {
  return `${checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.name.padEnd(20)} ${c.detail}`).join("\n")}\n`;
}
