/**
 * The scope guard: write tools are hidden from tools/list when the token's scopes do not allow
 * them, and refused at call time (clients cache lists) with no request reaching GHL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { DEMO_CONTACT_ID, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { startHarness, text } from "./harness.js";

const all = toolRegistry().all;
const readTools = all.filter((t) => t.access === "read").map((t) => t.name);
const writeTools = all.filter((t) => t.access === "write").map((t) => t.name);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

async function listedNames(env: Record<string, string>, argv: string[] = []) {
  const h = await startHarness({ reuse: sandbox, env, argv });
  try {
    return (await h.client.listTools()).tools.map((t) => t.name);
  } finally {
    await h.close();
  }
}

describe("scope guard", () => {
  it("contacts.readonly (the default) lists only read tools", async () => {
    const names = await listedNames({ GHL_SCOPES: "contacts.readonly" });
    expect(names.sort()).toEqual([...readTools].sort());
  });

  it("contacts.write adds the write tools", async () => {
    const names = await listedNames({ GHL_SCOPES: "contacts.readonly,contacts.write" });
    expect(names).toHaveLength(all.length);
  });

  it.each(writeTools)("refuses %s by name under contacts.readonly, naming tool and scopes", async (name) => {
    const h = await startHarness({ reuse: sandbox, env: { GHL_SCOPES: "contacts.readonly" } });
    sandbox.resetRequests();
    try {
      const result = await h.call(name, { contactId: DEMO_CONTACT_ID });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain(name);
      expect(text(result)).toContain("needs scope contacts.write");
      expect(text(result)).toContain("granted scopes: contacts.readonly");
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it("--read-only wins over a write scope", async () => {
    const names = await listedNames({ GHL_SCOPES: "contacts.readonly contacts.write" }, ["--read-only"]);
    expect(names.sort()).toEqual([...readTools].sort());
    const h = await startHarness({ reuse: sandbox, env: { GHL_READ_ONLY: "true" } });
    sandbox.resetRequests();
    try {
      const result = await h.call("delete_contact", { contactId: DEMO_CONTACT_ID });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/delete_contact changes data and this server runs read-only/);
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it("a token whose real GHL scopes are narrower than GHL_SCOPES claims gets a clear scope error", async () => {
    // GHL_SCOPES says write, but the token is the read-only one: GHL itself refuses with 401.
    const { DEMO_TOKEN_READONLY } = await import("../src/sandbox/index.js");
    const h = await startHarness({ reuse: sandbox, env: { GHL_TOKEN: DEMO_TOKEN_READONLY } });
    try {
      const result = await h.call("add_tags", { contactId: DEMO_CONTACT_ID, tags: ["x"] });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/not authorized for add_tags \(needs contacts.write\)/);
      expect(text(result)).not.toContain(DEMO_TOKEN_READONLY);
    } finally {
      await h.close();
    }
  });
});

describe("tool filters", () => {
  it("--toolsets keeps only those toolsets", async () => {
    const names = await listedNames({}, ["--toolsets", "tasks"]);
    expect(names.sort()).toEqual(
      all
        .filter((t) => t.toolset === "tasks")
        .map((t) => t.name)
        .sort(),
    );
  });

  it("--tools adds single tools to --toolsets", async () => {
    const names = await listedNames({}, ["--toolsets", "tags", "--tools", "get_contact"]);
    expect(names.sort()).toEqual(["add_tags", "get_contact", "remove_tags", "set_contact_tags"]);
  });

  it("--exclude-tools beats --tools, and --read-only beats both", async () => {
    expect(
      await listedNames({}, ["--tools", "get_contact,delete_contact", "--exclude-tools", "get_contact"]),
    ).toEqual(["delete_contact"]);
    expect(await listedNames({}, ["--tools", "get_contact,delete_contact", "--read-only"])).toEqual([
      "get_contact",
    ]);
  });

  it("a tool filtered out by configuration is refused with the reason", async () => {
    const h = await startHarness({ reuse: sandbox, argv: ["--toolsets", "notes"] });
    try {
      const result = await h.call("get_contact", { contactId: DEMO_CONTACT_ID });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/get_contact is not enabled.*--tools.*"contacts".*--toolsets/);
    } finally {
      await h.close();
    }
  });

  it("an unknown tool name says so", async () => {
    const h = await startHarness({ reuse: sandbox });
    try {
      const result = await h.call("get_everything", {});
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/Unknown tool `get_everything`/);
    } finally {
      await h.close();
    }
  });
});
