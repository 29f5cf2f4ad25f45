/**
 * What agents see: a snapshot of the full tools/list (names, descriptions, schemas, annotations)
 * so any change to it is a reviewed change, plus rules every declaration must follow.
 */
import { describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { CONTACTS_READ, CONTACTS_WRITE } from "../src/scopes.js";
import { TOOLSETS } from "../src/tool.js";

const registry = toolRegistry();
const full = registry.select({ readOnly: false, scopes: [CONTACTS_READ, CONTACTS_WRITE] });

describe("tool surface", () => {
  it("matches the reviewed snapshot (update with `npx vitest -u` after a deliberate change)", async () => {
    await expect(`${JSON.stringify({ tools: full.listing }, null, 2)}\n`).toMatchFileSnapshot(
      "__snapshots__/tools-list.json",
    );
  });

  it("has the 21 GHL Contacts endpoint tools, the 4 composites and read_audit_log", () => {
    expect(registry.all.map((t) => t.name).sort()).toEqual(
      [
        "add_tags",
        "complete_task",
        "create_contact",
        "create_note",
        "create_task",
        "delete_contact",
        "delete_note",
        "delete_task",
        "get_contact",
        "get_contact_overview",
        "get_note",
        "get_task",
        "list_appointments",
        "list_business_contacts",
        "list_contacts",
        "list_notes",
        "list_tasks",
        "read_audit_log",
        "remove_tags",
        "schedule_reminder",
        "search_contacts",
        "set_contact_tags",
        "sync_contact",
        "update_contact",
        "update_note",
        "update_task",
      ].sort(),
    );
  });
});

describe.each(registry.all.map((t) => [t.name, t] as const))("%s", (name, tool) => {
  const listed = registry.listing(name);

  it("sets all four annotation hints, consistent with its access", () => {
    const a = tool.annotations;
    for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
      expect(typeof a[hint], hint).toBe("boolean");
    }
    expect(a.readOnlyHint).toBe(tool.access === "read");
    if (tool.access === "read") {
      expect(a.destructiveHint).toBe(false);
      expect(a.idempotentHint).toBe(true);
    }
    if (name.startsWith("delete_") || name.startsWith("remove_")) expect(a.destructiveHint).toBe(true);
    if (name.startsWith("update_") || name.startsWith("complete_")) expect(a.idempotentHint).toBe(true);
    if (name.startsWith("set_") || name.startsWith("sync_") || name.startsWith("schedule_")) {
      expect(a.idempotentHint).toBe(true);
    }
    if (name.startsWith("create_")) {
      expect(a.idempotentHint).toBe(false);
      expect(a.destructiveHint).toBe(false);
    }
  });

  it("declares the scope its access needs, and a known toolset", () => {
    expect(tool.scopes).toEqual([tool.access === "read" ? CONTACTS_READ : CONTACTS_WRITE]);
    expect(TOOLSETS).toContain(tool.toolset);
  });

  it("is named verb_object and described tersely", () => {
    expect(name).toMatch(/^[a-z]+(_[a-z]+)+$/);
    expect(tool.description.length).toBeLessThanOrEqual(200);
    expect(tool.title.length).toBeGreaterThan(0);
  });

  it("describes every input parameter and refuses unknown ones", () => {
    const schema = listed?.inputSchema as {
      additionalProperties?: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const [param, prop] of Object.entries(schema.properties)) {
      expect(prop.description, `${name}.${param}`).toBeTruthy();
    }
  });

  it("has an object output schema that lets GHL add fields to its records", () => {
    expect(listed?.outputSchema.type).toBe("object");
  });
});
