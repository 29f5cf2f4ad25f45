import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderReadme } from "../scripts/gen-readme.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has the generated tool and configuration tables up to date (run `npm run docs`)", () => {
    expect(renderReadme(readme)).toBe(readme);
  });

  it("starts with the two quick-start commands", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Quick start") + 600);
    expect(quickStart).toContain("npm install && npm run demo");
    expect(quickStart).toContain("npm test");
  });
});
