/**
 * The GHL client under failure, end to end: a real MCP client calls tools of the real app, whose
 * GHL client talks over HTTP to the sandbox, and the sandbox injects the faults. Timeouts and
 * backoffs are tiny so the file runs fast; assertions count requests and records, never time.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { type App, startApp, toolRegistry } from "../src/app.js";
import { ConfigError, parseCommandLine } from "../src/config.js";
import type { ResilienceOptions } from "../src/ghl/http.js";
import { createLogger } from "../src/log.js";
import {
  DEMO_CONTACT_ID,
  DEMO_LOCATION_ID,
  type FaultSpec,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from "../src/sandbox/index.js";
import { startHarness, text } from "./harness.js";

const toolNames = toolRegistry().all.map((t) => t.name);

/** Backoffs of a few ms, so retries cost nothing; each test sets what it needs on top. */
const FAST: ResilienceOptions = { retryBaseDelayMs: 2, retryMaxDelayMs: 10 };

interface Rig {
  app: App;
  sandbox: Sandbox;
  call(name: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
  /** Requests the sandbox received for a method and path (RegExp). */
  requests(method: string, path: RegExp): Sandbox["requests"];
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/**
 * The real app from a real configuration (env, as a user sets it), plus finer knobs that have no
 * variable (backoff steps), pointed at a fresh sandbox.
 */
async function rig(
  options: { env?: Record<string, string>; tune?: ResilienceOptions; sandbox?: SandboxOptions } = {},
): Promise<Rig> {
  const h = await startHarness({
    env: { GHL_AUDIT_FILE: "off", ...options.env },
    sandbox: options.sandbox,
    tune: { ...FAST, ...options.tune },
  });
  open.push(() => h.close());
  return {
    app: h.app,
    sandbox: h.sandbox,
    call: (name, args = {}, signal) =>
      h.client.callTool(
        { name, arguments: args },
        undefined,
        signal ? { signal } : undefined,
      ) as Promise<CallToolResult>,
    requests: (method, path) => h.sandbox.requests.filter((r) => r.method === method && path.test(r.path)),
  };
}

const CONTACT = new RegExp(`^/contacts/${DEMO_CONTACT_ID}$`);
const TASKS = new RegExp(`^/contacts/${DEMO_CONTACT_ID}/tasks$`);
const NOTES = new RegExp(`^/contacts/${DEMO_CONTACT_ID}/notes$`);
const contactPath = `/contacts/${DEMO_CONTACT_ID}`;

function inject(sandbox: Sandbox, ...faults: FaultSpec[]) {
  for (const fault of faults) sandbox.injectFault(fault);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`gave up waiting for ${what}`);
}

const task = (title: string) => ({ contactId: DEMO_CONTACT_ID, title, dueDate: "2026-12-24T15:00:00Z" });
const tasksTitled = (sandbox: Sandbox, title: string) =>
  sandbox.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID).filter((t) => t.title === title);

describe("retries of reads and updates", () => {
  it("a read that meets 503s, a reset and a malformed answer is retried until it succeeds", async () => {
    const { sandbox, call, requests } = await rig();
    inject(
      sandbox,
      { method: "GET", path: contactPath, status: 503 },
      { method: "GET", path: contactPath, reset: "before" },
      { method: "GET", path: contactPath, malformed: true },
    );
    const result = await call("get_contact", { contactId: DEMO_CONTACT_ID });
    expect(result.isError).toBeFalsy();
    expect(requests("GET", CONTACT)).toHaveLength(4);
  });

  it("search (a read sent as POST) is retried like a GET", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "POST", path: "/contacts/search", status: 502 });
    const result = await call("search_contacts", { query: "maya" });
    expect(result.isError).toBeFalsy();
    expect(requests("POST", /^\/contacts\/search$/)).toHaveLength(2);
  });

  it("an update whose connection broke after GHL applied it is retried (PUT is idempotent)", async () => {
    const { sandbox, call, requests } = await rig();
    const [first] = sandbox.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID);
    if (!first) throw new Error("seed has no task");
    inject(sandbox, { method: "PUT", reset: "after" });
    const result = await call("update_task", {
      contactId: DEMO_CONTACT_ID,
      taskId: first.id,
      title: "Renamed",
    });
    expect(result.isError).toBeFalsy();
    expect(requests("PUT", /\/tasks\//).map((r) => r.reset)).toEqual(["after", undefined]);
    expect(sandbox.store.getTask(DEMO_LOCATION_ID, DEMO_CONTACT_ID, first.id)?.title).toBe("Renamed");
  });

  it("gives up after GHL_MAX_RETRIES retries with a message naming the attempts", async () => {
    const { sandbox, call, requests } = await rig({ env: { GHL_MAX_RETRIES: "2" } });
    inject(sandbox, { method: "GET", status: 503, times: 10 });
    const result = await call("get_contact", { contactId: DEMO_CONTACT_ID });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("GHL is unavailable (503) after 3 attempts. Retry shortly.");
    expect(requests("GET", CONTACT)).toHaveLength(3);
  });

  it("a retried DELETE that finds the record gone says the first attempt most likely deleted it", async () => {
    const { sandbox, call } = await rig();
    const [first] = sandbox.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID);
    if (!first) throw new Error("seed has no task");
    inject(sandbox, { method: "DELETE", reset: "after" });
    const result = await call("delete_task", { contactId: DEMO_CONTACT_ID, taskId: first.id });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Not found \(404\) when the delete was retried: .*most likely deleted/);
    expect(sandbox.store.getTask(DEMO_LOCATION_ID, DEMO_CONTACT_ID, first.id)).toBeUndefined();
  });
});

describe("writes are not repeated blindly", () => {
  it("a create_contact POST that may have reached GHL is sent once and reported as unknown", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "POST", path: "/contacts/", status: 503 });
    const result = await call("create_contact", { firstName: "Once", email: "once@example.com" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/may or may not have happened/);
    expect(requests("POST", /^\/contacts\/$/)).toHaveLength(1);

    inject(sandbox, { method: "POST", path: "/contacts/", reset: "before" });
    expect((await call("create_contact", { firstName: "Twice", email: "twice@example.com" })).isError).toBe(
      true,
    );
    expect(requests("POST", /^\/contacts\/$/)).toHaveLength(2);
  });

  it("a POST that never reached GHL (connection refused) is retried, whatever the method", async () => {
    const closed = await startSandbox();
    const url = closed.url;
    await closed.close();
    const { call } = await rig({ env: { GHL_BASE_URL: url, GHL_MAX_RETRIES: "2" } });
    const result = await call("create_contact", { firstName: "Nobody" });
    expect(text(result)).toMatch(/^Could not connect to GHL after 3 attempts/);
  });

  it("create_task whose connection broke after GHL made the task returns that task: one intent, one record", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "POST", path: TASKS, reset: "after" });
    const result = await call("create_task", task("Lost answer"));
    expect(result.isError).toBeFalsy();
    const made = tasksTitled(sandbox, "Lost answer");
    expect(made).toHaveLength(1);
    expect((result.structuredContent as { task: { id: string } }).task.id).toBe(made[0]?.id);
    expect(requests("POST", TASKS)).toHaveLength(1);
    expect(requests("GET", TASKS)).toHaveLength(1); // the read that found it
  });

  it("create_task after a 503 reads, finds nothing, and creates once more", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "POST", path: TASKS, status: 503 });
    expect((await call("create_task", task("After 503"))).isError).toBeFalsy();
    expect(tasksTitled(sandbox, "After 503")).toHaveLength(1);
    expect(requests("POST", TASKS)).toHaveLength(2);
  });

  it("create_task whose second try is lost too finds it on a last look, never a third POST", async () => {
    const { sandbox, call, requests } = await rig();
    inject(
      sandbox,
      { method: "POST", path: TASKS, reset: "before" },
      { method: "POST", path: TASKS, reset: "after" },
    );
    expect((await call("create_task", task("Twice lost"))).isError).toBeFalsy();
    expect(tasksTitled(sandbox, "Twice lost")).toHaveLength(1);
    expect(requests("POST", TASKS)).toHaveLength(2);
  });

  it("create_note with an unreadable answer finds the note instead of adding it again", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "POST", path: NOTES, malformed: true });
    const body = "Called; left a voicemail about the renewal.";
    expect((await call("create_note", { contactId: DEMO_CONTACT_ID, body })).isError).toBeFalsy();
    expect(
      sandbox.store.notes(DEMO_LOCATION_ID, DEMO_CONTACT_ID).filter((n) => n.body === body),
    ).toHaveLength(1);
    expect(requests("POST", NOTES)).toHaveLength(1);
  });

  it("an identical task made earlier is not taken for this call's (only just-added ones count)", async () => {
    const { sandbox, call, requests } = await rig();
    expect((await call("create_task", task("Weekly check-in"))).isError).toBeFalsy();
    const earlier = tasksTitled(sandbox, "Weekly check-in")[0];
    if (!earlier) throw new Error("first task missing");
    earlier.dateAdded = new Date(Date.now() - 60 * 60_000).toISOString();
    inject(sandbox, { method: "POST", path: TASKS, status: 503 });
    expect((await call("create_task", task("Weekly check-in"))).isError).toBeFalsy();
    expect(tasksTitled(sandbox, "Weekly check-in")).toHaveLength(2);
    expect(requests("POST", TASKS)).toHaveLength(3);
  });
});

describe("rate limits", () => {
  it("paces a burst of calls inside the sandbox's limit: no 429 at all", async () => {
    const { call, sandbox } = await rig({
      env: { GHL_RATE_LIMIT: "5/200" },
      sandbox: { rateLimit: { max: 5, intervalMs: 200 } },
    });
    const results = await Promise.all(
      Array.from({ length: 15 }, () => call("get_contact", { contactId: DEMO_CONTACT_ID })),
    );
    expect(results.filter((r) => r.isError)).toHaveLength(0);
    expect(sandbox.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(sandbox.requests).toHaveLength(15);
  });

  it("corrects a too-generous configured limit from GHL's headers after the first answer", async () => {
    const { app, call, sandbox } = await rig({
      env: { GHL_RATE_LIMIT: "1000/100", GHL_MAX_CONCURRENCY: "2" },
      sandbox: { rateLimit: { max: 4, intervalMs: 200 } },
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => call("get_contact", { contactId: DEMO_CONTACT_ID })),
    );
    expect(results.filter((r) => r.isError)).toHaveLength(0);
    expect(sandbox.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(app.primary?.http.pacing()).toMatchObject({ max: 4, intervalMs: 200 });
  });

  it("after a 429 without any header, waits the configured window and succeeds", async () => {
    const { sandbox, call, requests } = await rig({ env: { GHL_RATE_LIMIT: "100/50" } });
    inject(sandbox, { method: "GET", status: 429, rateLimitHeaders: false });
    expect((await call("get_contact", { contactId: DEMO_CONTACT_ID })).isError).toBeFalsy();
    expect(requests("GET", CONTACT).map((r) => r.status)).toEqual([429, 200]);
  });

  it("after a 429 with Retry-After, waits that long and succeeds", async () => {
    const { sandbox, call, requests } = await rig();
    inject(sandbox, { method: "GET", status: 429, headers: { "Retry-After": "1" } });
    expect((await call("get_contact", { contactId: DEMO_CONTACT_ID })).isError).toBeFalsy();
    expect(requests("GET", CONTACT).map((r) => r.status)).toEqual([429, 200]);
  });

  it("retries a create refused with 429 (GHL did nothing), making one task", async () => {
    const { sandbox, call, requests } = await rig({ sandbox: { rateLimit: { max: 100, intervalMs: 50 } } });
    inject(sandbox, { method: "POST", path: TASKS, status: 429 });
    expect((await call("create_task", task("Refused then made"))).isError).toBeFalsy();
    expect(requests("POST", TASKS).map((r) => r.status)).toEqual([429, 201]);
    expect(tasksTitled(sandbox, "Refused then made")).toHaveLength(1);
  });

  it("when GHL asks for a wait longer than GHL_MAX_RATE_WAIT_MS, says when to retry instead of waiting", async () => {
    const { sandbox, call, requests } = await rig({ env: { GHL_MAX_RATE_WAIT_MS: "500" } });
    inject(sandbox, { method: "GET", status: 429, headers: { "Retry-After": "120" } });
    const result = await call("get_contact", { contactId: DEMO_CONTACT_ID });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("GHL rate limit reached (429); nothing was changed. Retry in 120 s.");
    expect(requests("GET", CONTACT)).toHaveLength(1);
  });

  it("once the daily quota is used up, fails fast without sending a request", async () => {
    const { call, sandbox } = await rig({ sandbox: { rateLimit: { max: 100, intervalMs: 1000, daily: 3 } } });
    for (let i = 0; i < 3; i++) {
      expect((await call("get_contact", { contactId: DEMO_CONTACT_ID })).isError).toBeFalsy();
    }
    const result = await call("get_contact", { contactId: DEMO_CONTACT_ID });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /^GHL's daily request quota for this sub-account is used up, so no request was sent/,
    );
    expect(sandbox.requests).toHaveLength(3);
  });

  it("a 429 that reports the daily quota gone is not waited on", async () => {
    const { sandbox, call } = await rig({ env: { GHL_MAX_RATE_WAIT_MS: "600000" } });
    inject(sandbox, { status: 429, headers: { "X-RateLimit-Daily-Remaining": "0" } });
    expect(text(await call("get_contact", { contactId: DEMO_CONTACT_ID }))).toMatch(/daily request quota/);
    expect(text(await call("list_tasks", { contactId: DEMO_CONTACT_ID }))).toMatch(/no request was sent/);
    expect(sandbox.requests).toHaveLength(1);
  });
});

describe("timeouts and cancellation", () => {
  it("a slow answer times out after GHL_TIMEOUT_MS and the read is retried, then reported", async () => {
    const { sandbox, call, requests } = await rig({ env: { GHL_TIMEOUT_MS: "100", GHL_MAX_RETRIES: "1" } });
    inject(sandbox, { method: "GET", delayMs: 30_000, times: 5 });
    const result = await call("get_contact", { contactId: DEMO_CONTACT_ID });
    expect(text(result)).toBe("GHL did not answer in time after 2 attempts. Retry shortly.");
    expect(requests("GET", CONTACT)).toHaveLength(2);
  });

  it("a slow answer to an update says the write may or may not have happened", async () => {
    const { sandbox, call } = await rig({ env: { GHL_TIMEOUT_MS: "100", GHL_MAX_RETRIES: "0" } });
    const [first] = sandbox.store.tasks(DEMO_LOCATION_ID, DEMO_CONTACT_ID);
    inject(sandbox, { method: "PUT", delayMs: 30_000 });
    const result = await call("complete_task", { contactId: DEMO_CONTACT_ID, taskId: first?.id });
    expect(text(result)).toMatch(/^GHL did not answer in time\. The write may or may not have happened/);
  });

  it("cancelling a call (notifications/cancelled) aborts its request in flight", async () => {
    const { app, sandbox, call } = await rig();
    inject(sandbox, { method: "GET", delayMs: 30_000 });
    const controller = new AbortController();
    const pending = call("get_contact", { contactId: DEMO_CONTACT_ID }, controller.signal);
    await until(() => sandbox.requests.length === 1, "the request to arrive");
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until(() => sandbox.requests[0]?.clientClosed === true, "the sandbox to see the connection close");
    await until(() => app.primary?.http.pacing().inFlight === 0, "the request to leave the pacer");
  });

  it("cancelling a call that waits for the rate limit ends the wait; nothing is sent", async () => {
    const { app, sandbox, call } = await rig({
      env: { GHL_MAX_RATE_WAIT_MS: "120000" },
      sandbox: { rateLimit: { max: 1, intervalMs: 60_000 } },
    });
    expect((await call("get_contact", { contactId: DEMO_CONTACT_ID })).isError).toBeFalsy();
    const controller = new AbortController();
    const pending = call("get_contact", { contactId: DEMO_CONTACT_ID }, controller.signal);
    await until(() => app.primary?.http.pacing().queued === 1, "the call to queue");
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until(() => app.primary?.http.pacing().queued === 0, "the queue to empty");
    expect(sandbox.requests).toHaveLength(1);
  });
});

describe("configuration", () => {
  const parse = (env: Record<string, string>) =>
    parseCommandLine([], { GHL_TOKEN: "pit-0123456789abcdef", ...env }, toolNames).config;

  it("defaults to GHL's documented limits and safe retry settings", () => {
    expect(parse({}).resilience).toEqual({
      rateLimit: { max: 100, intervalMs: 10_000 },
      maxConcurrency: 8,
      maxRetries: 3,
      timeoutMs: 30_000,
      maxRateWaitMs: 30_000,
    });
  });

  it("reads every variable", () => {
    expect(
      parse({
        GHL_RATE_LIMIT: "50 / 1000",
        GHL_MAX_CONCURRENCY: "4",
        GHL_MAX_RETRIES: "0",
        GHL_TIMEOUT_MS: "5000",
        GHL_MAX_RATE_WAIT_MS: "0",
      }).resilience,
    ).toEqual({
      rateLimit: { max: 50, intervalMs: 1000 },
      maxConcurrency: 4,
      maxRetries: 0,
      timeoutMs: 5000,
      maxRateWaitMs: 0,
    });
  });

  it.each([
    [
      "GHL_RATE_LIMIT",
      "100 per 10s",
      /GHL_RATE_LIMIT "100 per 10s" is not requests\/milliseconds such as 100\/10000/,
    ],
    ["GHL_RATE_LIMIT", "0/1000", /GHL_RATE_LIMIT/],
    ["GHL_MAX_CONCURRENCY", "0", /GHL_MAX_CONCURRENCY must be a whole number from 1 to 64, not "0"/],
    ["GHL_MAX_RETRIES", "2.5", /GHL_MAX_RETRIES must be a whole number/],
    ["GHL_TIMEOUT_MS", "forever", /GHL_TIMEOUT_MS must be a whole number/],
    ["GHL_MAX_RATE_WAIT_MS", "-1", /GHL_MAX_RATE_WAIT_MS must be a whole number/],
  ])("refuses %s=%s with one line", (name, value, message) => {
    expect(() => parse({ [name]: value })).toThrow(ConfigError);
    expect(() => parse({ [name]: value })).toThrow(message);
  });

  it("reads GHL_SANDBOX_FAULTS with --sandbox only, and refuses a bad one", () => {
    const faults =
      '[{"status":503,"probability":0.05},{"method":"POST","pathPattern":"/tasks$","reset":"after"}]';
    const withSandbox = parseCommandLine(["--sandbox"], { GHL_SANDBOX_FAULTS: faults }, toolNames).config;
    expect(withSandbox.sandboxFaults).toEqual([
      { status: 503, probability: 0.05 },
      { method: "POST", path: /\/tasks$/, reset: "after" },
    ]);
    expect(parse({ GHL_SANDBOX_FAULTS: faults }).sandboxFaults).toBeUndefined();
    expect(() =>
      parseCommandLine(["--sandbox"], { GHL_SANDBOX_FAULTS: '{"reset":"later"}' }, toolNames),
    ).toThrow(/^GHL_SANDBOX_FAULTS fault 0\.reset: /);
  });

  it("--sandbox serves the faults from GHL_SANDBOX_FAULTS", async () => {
    const { config } = parseCommandLine(
      ["--sandbox"],
      { GHL_SANDBOX_FAULTS: '{"method":"GET","status":503}', GHL_AUDIT_FILE: "off" },
      toolNames,
    );
    const app = await startApp(
      { ...config, resilience: { ...config.resilience, ...FAST, maxRetries: 0 } },
      createLogger("silent"),
    );
    try {
      const server = app.createServer();
      const client = new Client({ name: "resilience-test", version: "1.0.0" });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      await server.connect(serverTransport);
      await client.connect(clientTransport);
      const first = (await client.callTool({
        name: "get_contact",
        arguments: { contactId: DEMO_CONTACT_ID },
      })) as CallToolResult;
      const second = (await client.callTool({
        name: "get_contact",
        arguments: { contactId: DEMO_CONTACT_ID },
      })) as CallToolResult;
      expect(text(first)).toBe("GHL is unavailable (503). Retry shortly.");
      expect(second.isError).toBeFalsy();
      await client.close();
      await server.close();
    } finally {
      await app.close();
    }
  });
});
