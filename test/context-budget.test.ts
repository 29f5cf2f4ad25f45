/**
 * The context an agent pays for our tool list, in bytes of the tools/list result as sent
 * (deterministic, unlike time). Targets from issue 7; bench/context-budget.ts prints the figures.
 */
import { describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";

const registry = toolRegistry();
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const readOnly = registry.select({ readOnly: false, scopes: [CONTACTS_READ] });
const full = registry.select({ readOnly: false, scopes: [CONTACTS_READ, CONTACTS_WRITE] });

describe("context budget", () => {
  it("read-only tools/list stays within 12,000 bytes", () => {
    expect(bytes({ tools: readOnly.listing })).toBeLessThanOrEqual(12_000);
  });

  it("full tools/list stays within 30,000 bytes", () => {
    expect(bytes({ tools: full.listing })).toBeLessThanOrEqual(30_000);
  });

  it.each(full.listing.map((t) => [t.name, t] as const))("%s stays within 2,000 bytes", (_name, tool) => {
    expect(bytes(tool)).toBeLessThanOrEqual(2_000);
  });
});
