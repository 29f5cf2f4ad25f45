/**
 * Every tool's tools/list entry, computed at build time and stored next to the compiled code,
 * so that start-up skips converting two dozen zod schemas to JSON Schema (a desktop client
 * spawns the server on every launch). The file carries a fingerprint of the compiled code that
 * shapes the listings; any mismatch (a rebuild without `npm run build`, running from source)
 * means the registry computes the listings itself, as it always can.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ListedTool } from "./registry.js";

const CACHE = new URL("../tool-listings.json", import.meta.url);
const SOURCES = [new URL("../tools/", import.meta.url), new URL("./ghl/", import.meta.url)];
const SINGLE_SOURCES = [new URL("./registry.js", import.meta.url), new URL("./tool.js", import.meta.url)];

function fingerprint(): string {
  const hash = createHash("sha256");
  for (const dir of SOURCES) {
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .sort()) {
      hash.update(name).update(readFileSync(new URL(name, dir)));
    }
  }
  for (const file of SINGLE_SOURCES) hash.update(readFileSync(file));
  return hash.digest("hex");
}

export function loadListingCache(): ListedTool[] | undefined {
  try {
    const cache = JSON.parse(readFileSync(CACHE, "utf8")) as { fingerprint: string; tools: ListedTool[] };
    return cache.fingerprint === fingerprint() ? cache.tools : undefined;
  } catch {
    return undefined; // no cache (running from source) or unreadable: compute instead
  }
}

export function writeListingCache(tools: readonly ListedTool[]): string {
  writeFileSync(CACHE, `${JSON.stringify({ fingerprint: fingerprint(), tools })}\n`);
  return CACHE.pathname;
}
