/** Part of `npm run build`: stores every tool's listing for fast starts (see src/listing-cache.ts). */

import { writeListingCache } from "../src/listing-cache.js";
import { ToolRegistry } from "../src/registry.js";
import { ALL_TOOLS } from "../tools/index.js";

const registry = new ToolRegistry(ALL_TOOLS);
const file = writeListingCache(
  ALL_TOOLS.map((tool) => registry.listing(tool.name)).filter((l) => l !== undefined),
);
process.stderr.write(`wrote ${file}\n`);
