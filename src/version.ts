import { readFileSync } from "node:fs";

/** The package version, read from package.json wherever this module runs from (src/ or dist/src/). */
function findVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "ghl-contacts-mcp" && pkg.version) return pkg.version;
    } catch {
      // not at this depth; try the next one
    }
  }
  return "0.0.0";
}

export const VERSION = findVersion();
