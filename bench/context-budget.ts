/**
 * Context budget: bytes of the tools/list result an agent receives (JSON as sent), and the
 * estimated tokens (bytes / 4), read-only and with full scopes. Deterministic; also a test.
 */
import { toolRegistry } from "../src/app.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";
import { report } from "./report.js";

const registry = toolRegistry();
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const readOnly = registry.select({ readOnly: false, scopes: [CONTACTS_READ] });
const full = registry.select({ readOnly: false, scopes: [CONTACTS_READ, CONTACTS_WRITE] });
const largest = [...full.listing].sort((a, b) => bytes(b) - bytes(a))[0];
const readOnlyBytes = bytes({ tools: readOnly.listing });
const fullBytes = bytes({ tools: full.listing });

report([
  {
    name: "context: read-only tools/list",
    figure: readOnlyBytes,
    unit: "bytes",
    target: "≤ 12000",
    comparison: `${readOnly.listing.length} tools, ≈ ${Math.round(readOnlyBytes / 4)} tokens`,
  },
  {
    name: "context: full tools/list",
    figure: fullBytes,
    unit: "bytes",
    target: "≤ 30000",
    comparison: `${full.listing.length} tools, ≈ ${Math.round(fullBytes / 4)} tokens`,
  },
  {
    name: "context: largest tool",
    figure: largest ? bytes(largest) : 0,
    unit: "bytes",
    target: "≤ 2000",
    comparison: largest?.name ?? "",
  },
]);
