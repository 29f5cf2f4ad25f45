/**
 * The pacing, retry and dedupe rules on their own: the pacer on a clock the test moves, the retry
 * policy's pure functions, and createOnce with plain create/find steps. Behaviour over real HTTP
 * is in resilience.test.ts.
 */
import { describe, expect, it } from "vitest";
import { createOnce, isOutcomeUnknown } from "../src/ghl/create-once.js";
import { GhlApiError, GhlNetworkError, GhlThrottledError } from "../src/ghl/failures.js";
import { Pacer, type Permit } from "../src/ghl/pacer.js";
import { backoffDelay, isRetryable, rateLimitWaitMs, retryAfterMs } from "../src/ghl/retry-policy.js";
import { sleep, WaitAborted } from "../src/ghl/sleep.js";

/** A pacer on a clock that only moves when the test says so. */
function pacerAt(options: {
  max: number;
  intervalMs: number;
  maxConcurrency?: number;
  dailyRecheckMs?: number;
}) {
  const clock = { now: 0 };
  const pacer = new Pacer({
    rateLimit: { max: options.max, intervalMs: options.intervalMs },
    maxConcurrency: options.maxConcurrency ?? 100,
    dailyRecheckMs: options.dailyRecheckMs,
    now: () => clock.now,
  });
  return { pacer, clock };
}

/** Resolves on the next turn with whether the promise has settled (no timing involved). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const headers = (values: Record<string, number>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));

describe("pacer: sliding window", () => {
  it("grants `max` requests at once, then holds the next until the oldest answer's window has passed", async () => {
    const { pacer, clock } = pacerAt({ max: 3, intervalMs: 1000 });
    const permits: Permit[] = [];
    for (let i = 0; i < 3; i++) permits.push(await pacer.acquire());
    expect(pacer.windowWait()).toBe(Number.POSITIVE_INFINITY); // all three still in flight

    clock.now = 100;
    permits[0]?.finish({ reached: true });
    clock.now = 200;
    permits[1]?.finish({ reached: true });
    // The slot frees one window (plus 1% margin) after the answer came back, not after sending.
    expect(pacer.windowWait()).toBe(100 + 1010 - 200);
    const fourth = pacer.acquire();
    expect(await settled(fourth)).toBe(false);
    pacer.close();
    await expect(fourth).rejects.toBeInstanceOf(WaitAborted);
  });

  it("frees nothing for a request that never reached GHL", async () => {
    const { pacer } = pacerAt({ max: 1, intervalMs: 1000 });
    (await pacer.acquire()).finish({ reached: false });
    expect(pacer.snapshot().used).toBe(0);
    expect(await settled(pacer.acquire())).toBe(true);
  });

  it("keeps at most maxConcurrency in flight; a finish lets the next one go", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 1000, maxConcurrency: 2 });
    const first = await pacer.acquire();
    await pacer.acquire();
    const third = pacer.acquire();
    expect(await settled(third)).toBe(false);
    expect(pacer.snapshot()).toMatchObject({ inFlight: 2, queued: 1 });
    first.finish({ reached: true });
    expect(await settled(third)).toBe(true);
    expect(pacer.snapshot()).toMatchObject({ inFlight: 2, queued: 0 });
  });

  it("serves waiting calls first come, first served", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 1000, maxConcurrency: 1 });
    const order: number[] = [];
    const first = await pacer.acquire();
    const waiting = [1, 2, 3].map((n) =>
      pacer.acquire().then((permit) => {
        order.push(n);
        permit.finish({ reached: true });
      }),
    );
    first.finish({ reached: true });
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it("gives up after maxWaitMs with a rate-limit error saying when to retry", async () => {
    const { pacer } = pacerAt({ max: 1, intervalMs: 60_000 });
    (await pacer.acquire()).finish({ reached: true });
    const error = await pacer.acquire(undefined, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhlThrottledError);
    expect(error).toMatchObject({ reason: "rate-limit" });
    expect((error as GhlThrottledError).retryAfterMs).toBeGreaterThan(59_000);
  });

  it("says `busy` when every connection is taken rather than the rate limit", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 1000, maxConcurrency: 1 });
    await pacer.acquire();
    await expect(pacer.acquire(undefined, 5)).rejects.toMatchObject({ reason: "busy" });
  });

  it("after pause(), refuses at once a call that may not wait that long", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 1000 });
    pacer.pause(30_000);
    await expect(pacer.acquire(undefined, 1000)).rejects.toMatchObject({
      reason: "rate-limit",
      retryAfterMs: 30_000,
    });
    expect(await settled(pacer.acquire(undefined, 60_000))).toBe(false);
    pacer.close();
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const { pacer } = pacerAt({ max: 1, intervalMs: 60_000 });
    await pacer.acquire();
    const controller = new AbortController();
    const waiting = pacer.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(WaitAborted);
    expect(pacer.snapshot().queued).toBe(0);
  });
});

describe("pacer: learning from GHL's headers", () => {
  it("takes X-RateLimit-Max and -Interval-Milliseconds as the limits", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 10_000 });
    (await pacer.acquire()).finish({
      reached: true,
      headers: headers({ "x-ratelimit-max": 50, "x-ratelimit-interval-milliseconds": 1000 }),
    });
    expect(pacer.limit).toEqual({ max: 50, intervalMs: 1000 });
  });

  it("ignores values that are not plain non-negative integers", async () => {
    const { pacer } = pacerAt({ max: 100, intervalMs: 10_000 });
    (await pacer.acquire()).finish({
      reached: true,
      headers: {
        "x-ratelimit-max": "-5",
        "x-ratelimit-interval-milliseconds": "1e3",
        "x-ratelimit-remaining": "x",
      },
    });
    expect(pacer.limit).toEqual({ max: 100, intervalMs: 10_000 });
    expect(pacer.snapshot().used).toBe(1);
  });

  it("counts budget GHL reports used by others (a lower X-RateLimit-Remaining) as taken", async () => {
    const { pacer } = pacerAt({ max: 10, intervalMs: 1000 });
    // Our first request; GHL says 4 left of 10, so 5 were someone else's.
    (await pacer.acquire()).finish({ reached: true, headers: headers({ "x-ratelimit-remaining": 4 }) });
    expect(pacer.snapshot().used).toBe(6);
    // The same report again (another answer) does not count them twice.
    (await pacer.acquire()).finish({ reached: true, headers: headers({ "x-ratelimit-remaining": 3 }) });
    expect(pacer.snapshot().used).toBe(7);
  });

  it("does not mistake its own requests answered out of order for others' traffic", async () => {
    const { pacer } = pacerAt({ max: 10, intervalMs: 1000 });
    const first = await pacer.acquire();
    const second = await pacer.acquire();
    const third = await pacer.acquire();
    // GHL counted all three before answering the first: 7 left.
    first.finish({ reached: true, headers: headers({ "x-ratelimit-remaining": 7 }) });
    second.finish({ reached: true, headers: headers({ "x-ratelimit-remaining": 7 }) });
    third.finish({ reached: true, headers: headers({ "x-ratelimit-remaining": 7 }) });
    expect(pacer.snapshot().used).toBe(3);
  });

  it("fails fast once the daily quota is used up, and lets one call probe after the recheck time", async () => {
    const { pacer, clock } = pacerAt({ max: 100, intervalMs: 1000, dailyRecheckMs: 60_000 });
    (await pacer.acquire()).finish({ reached: true, headers: headers({ "x-ratelimit-daily-remaining": 1 }) });
    const last = await pacer.acquire(); // the last one of the day
    await expect(pacer.acquire()).rejects.toMatchObject({ reason: "daily-quota" });
    last.finish({ reached: true, headers: headers({ "x-ratelimit-daily-remaining": 0 }) });
    clock.now = 30_000;
    await expect(pacer.acquire()).rejects.toMatchObject({ reason: "daily-quota", retryAfterMs: 30_000 });
    clock.now = 61_000;
    const probe = await pacer.acquire();
    await expect(pacer.acquire()).rejects.toMatchObject({ reason: "daily-quota" });
    probe.finish({ reached: true, headers: headers({ "x-ratelimit-daily-remaining": 200_000 }) });
    expect(await settled(pacer.acquire())).toBe(true);
  });
});

describe("retry policy", () => {
  const api = (status: number, method: "GET" | "POST" | "PUT" | "DELETE" = "GET", path = "/contacts/x") =>
    new GhlApiError(status, method, path, {}, {});
  const net = (kind: GhlNetworkError["kind"], sent: boolean, method: "GET" | "POST" = "GET", path = "/x") =>
    new GhlNetworkError(kind, method, path, sent, "test");

  it.each([
    ["GET 503", api(503), "GET", "/contacts/x", true],
    ["PUT 500", api(500, "PUT"), "PUT", "/contacts/x", true],
    ["DELETE 502", api(502, "DELETE"), "DELETE", "/contacts/x", true],
    ["POST create 503", api(503, "POST"), "POST", "/contacts/", false],
    ["POST search 503 (a read)", api(503, "POST", "/contacts/search"), "POST", "/contacts/search", true],
    ["GET 404", api(404), "GET", "/contacts/x", false],
    ["GET 429 (waits elsewhere)", api(429), "GET", "/contacts/x", false],
    ["GET reset", net("reset", true), "GET", "/x", true],
    ["GET timeout", net("timeout", true), "GET", "/x", true],
    ["POST reset after sending", net("reset", true, "POST"), "POST", "/x", false],
    ["POST timeout", net("timeout", true, "POST"), "POST", "/x", false],
    ["POST connect failure (never sent)", net("connect", false, "POST"), "POST", "/x", true],
    ["GET cancelled", net("aborted", true), "GET", "/x", false],
  ] as const)("%s → retry: %s", (_label, error, method, path, expected) => {
    expect(isRetryable(error, method, path)).toBe(expected);
  });

  it("backs off exponentially with equal jitter, capped", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs({ "retry-after": "2" }, now)).toBe(2000);
    expect(retryAfterMs({ "retry-after": "0.5" }, now)).toBe(500);
    expect(retryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, now)).toBe(7000);
    expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it("waits after a 429 for Retry-After, else GHL's window, else the configured one", () => {
    expect(rateLimitWaitMs({ "retry-after": "3", "x-ratelimit-interval-milliseconds": "10000" }, 500)).toBe(
      3000,
    );
    expect(rateLimitWaitMs({ "x-ratelimit-interval-milliseconds": "10000" }, 500)).toBe(10_000);
    expect(rateLimitWaitMs({}, 500)).toBe(500);
  });

  it("sleep() ends early with WaitAborted when the signal aborts", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(WaitAborted);
  });
});

describe("createOnce", () => {
  const unknown = () => new GhlNetworkError("reset", "POST", "/contacts/x/tasks", true, "test");

  it.each([
    ["reset after sending", unknown(), true],
    ["timeout", new GhlNetworkError("timeout", "POST", "/x", true, "test"), true],
    ["unreadable answer", new GhlNetworkError("malformed", "POST", "/x", true, "test"), true],
    ["503", new GhlApiError(503, "POST", "/x", {}, {}), true],
    ["connect failure (never sent)", new GhlNetworkError("connect", "POST", "/x", false, "test"), false],
    ["cancelled", new GhlNetworkError("aborted", "POST", "/x", true, "test"), false],
    ["422", new GhlApiError(422, "POST", "/x", {}, {}), false],
    ["429 exhausted", new GhlThrottledError("rate-limit", 1000, true), false],
  ])("outcome of a create that failed with %s is unknown: %s", (_label, error, expected) => {
    expect(isOutcomeUnknown(error)).toBe(expected);
  });

  it("returns the record found after an unknown outcome, without creating again", async () => {
    let creates = 0;
    const result = await createOnce({
      create: async () => {
        creates++;
        throw unknown();
      },
      find: async () => ({ id: "found" }),
    });
    expect(result).toEqual({ id: "found" });
    expect(creates).toBe(1);
  });

  it("creates once more when the read finds nothing", async () => {
    let creates = 0;
    const result = await createOnce({
      create: async () => {
        creates++;
        if (creates === 1) throw unknown();
        return { id: "second" };
      },
      find: async () => undefined,
    });
    expect(result).toEqual({ id: "second" });
    expect(creates).toBe(2);
  });

  it("looks once more after a second unknown outcome, and never creates a third time", async () => {
    let creates = 0;
    let finds = 0;
    const second = unknown();
    const outcome = createOnce({
      create: async () => {
        creates++;
        throw creates === 1 ? unknown() : second;
      },
      find: async () => {
        finds++;
        return undefined;
      },
    });
    await expect(outcome).rejects.toBe(second);
    expect({ creates, finds }).toEqual({ creates: 2, finds: 2 });
  });

  it("neither reads nor repeats after a refusal, and surfaces the create's error when the read fails", async () => {
    let finds = 0;
    const refused = new GhlApiError(422, "POST", "/x", {}, {});
    await expect(
      createOnce({
        create: async () => {
          throw refused;
        },
        find: async () => {
          finds++;
          return undefined;
        },
      }),
    ).rejects.toBe(refused);
    expect(finds).toBe(0);

    const lost = unknown();
    await expect(
      createOnce({
        create: async () => {
          throw lost;
        },
        find: async () => {
          throw new GhlApiError(503, "GET", "/x", {}, {});
        },
      }),
    ).rejects.toBe(lost);
  });
});
