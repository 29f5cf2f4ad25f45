/** Waits that a cancelled tool call cuts short, so no timer keeps a call alive after it ends. */

/** Thrown by {@link sleep} (and the pacer's waits) when the caller's signal aborts. */
export class WaitAborted extends Error {
  constructor() {
    super("wait aborted");
    this.name = "WaitAborted";
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new WaitAborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WaitAborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
