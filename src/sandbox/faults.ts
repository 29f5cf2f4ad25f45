// Fault injection for the sandbox: what a fault can do, which requests it applies to, and the
// JSON form read from GHL_SANDBOX_FAULTS for manual runs of --sandbox.

import { z } from "zod";

/**
 * A fault applies to the next `times` (default 1) requests matching method and path, or, with
 * `probability`, to each matching request with that chance (then `times` defaults to unlimited).
 * It is checked before anything else. What it does:
 * - `delayMs` waits first (then the rest of the fault, or a normal answer, follows);
 * - `reset: "before"` closes the connection without processing the request;
 *   `reset: "after"` processes it (the store changes) and then closes the connection instead of
 *   answering: a write whose outcome the client cannot know;
 * - `malformed` processes the request and sends its answer cut short (not JSON);
 * - `status` answers in place of the API with GHL's error body for it (or `body`); a `body` alone
 *   comes with 200; a string `body` is sent verbatim (e.g. an HTML 502 page);
 * - `headers` are added to the answer; `rateLimitHeaders: false` leaves out X-RateLimit-*.
 * `reset` and `malformed` take precedence over `status` and `body`.
 */
export interface FaultSpec {
  method?: string;
  path?: string | RegExp;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  rateLimitHeaders?: boolean;
  delayMs?: number;
  reset?: "before" | "after";
  malformed?: boolean;
  times?: number;
  probability?: number;
}

/** The faults waiting to apply, in the order they were injected. */
export class FaultQueue {
  private active: Array<{ spec: FaultSpec; remaining: number }> = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): void {
    const unlimited = spec.probability !== undefined && spec.times === undefined;
    this.active.push({ spec, remaining: unlimited ? Number.POSITIVE_INFINITY : (spec.times ?? 1) });
  }

  clear(): void {
    this.active = [];
  }

  /** The first fault that applies to this request, counting it used. */
  take(method: string, path: string): FaultSpec | undefined {
    for (const fault of this.active) {
      if (!faultMatches(fault.spec, method, path)) continue;
      if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
      fault.remaining--;
      if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
      return fault.spec;
    }
    return undefined;
  }
}

function faultMatches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method) return false;
  if (typeof spec.path === "string") return spec.path === path;
  if (spec.path instanceof RegExp) {
    spec.path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
    return spec.path.test(path);
  }
  return true;
}

/** JSON has no RegExp: `pathPattern` is a regular expression's source, `path` an exact path. */
const faultJson = z
  .strictObject({
    method: z.enum(["GET", "POST", "PUT", "DELETE"]).optional(),
    path: z.string().startsWith("/").optional(),
    pathPattern: z.string().min(1).optional(),
    status: z.int().min(100).max(599).optional(),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    rateLimitHeaders: z.boolean().optional(),
    delayMs: z.int().min(0).max(600_000).optional(),
    reset: z.enum(["before", "after"]).optional(),
    malformed: z.boolean().optional(),
    times: z.int().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .refine((f) => !(f.path && f.pathPattern), { message: "give path or pathPattern, not both" });

/**
 * Reads GHL_SANDBOX_FAULTS: one fault object or an array of them, e.g.
 * `[{"status":503,"probability":0.05},{"method":"POST","pathPattern":"/tasks$","reset":"after"}]`.
 * Throws an Error with a one-line message naming the problem.
 */
export function parseFaults(text: string): FaultSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("is not JSON (expected a fault object or an array of them)");
  }
  const parsed = z.array(faultJson).safeParse(Array.isArray(raw) ? raw : [raw]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `fault ${issue.path.join(".")}` : "faults";
    throw new Error(`${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data.map(({ pathPattern, ...spec }) => {
    if (pathPattern === undefined) return spec;
    try {
      return { ...spec, path: new RegExp(pathPattern) };
    } catch {
      throw new Error(`pathPattern "${pathPattern}" is not a regular expression`);
    }
  });
}
