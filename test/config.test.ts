import { describe, expect, it } from "vitest";
import { toolRegistry } from "../src/app.js";
import { ConfigError, DEFAULT_BASE_URL, parseCommandLine } from "../src/config.js";

const names = toolRegistry().all.map((t) => t.name);
const parse = (env: Record<string, string>, argv: string[] = []) => parseCommandLine(argv, env, names);
const TOKEN = { GHL_TOKEN: "pit-0123456789abcdef" };

describe("configuration", () => {
  it("has safe defaults", () => {
    const { command, config } = parse(TOKEN);
    expect(command).toBe("serve");
    expect(config).toMatchObject({
      baseUrl: DEFAULT_BASE_URL,
      apiVersion: "2021-07-28",
      scopes: ["contacts.readonly"],
      readOnly: false,
      toolsets: undefined,
      logLevel: "info",
      sandbox: false,
    });
  });

  it("flags override the environment", () => {
    const { config } = parse({ ...TOKEN, GHL_TOOLSETS: "notes", LOG_LEVEL: "warn" }, [
      "--toolsets",
      "tasks,tags",
      "--log-level",
      "debug",
      "--read-only",
    ]);
    expect(config).toMatchObject({ toolsets: ["tasks", "tags"], logLevel: "debug", readOnly: true });
  });

  it("accepts scopes separated by spaces or commas, and GHL's other scopes", () => {
    const { config } = parse({
      ...TOKEN,
      GHL_SCOPES: "contacts.readonly, contacts.write calendars.readonly",
    });
    expect(config.scopes).toEqual(["contacts.readonly", "contacts.write", "calendars.readonly"]);
  });

  it("--sandbox needs no token and grants write by default", () => {
    const { config } = parse({}, ["--sandbox"]);
    expect(config.scopes).toEqual(["contacts.readonly", "contacts.write"]);
  });

  it("`tools` lists without a token", () => {
    expect(parse({}, ["tools", "--json"])).toMatchObject({ command: "tools", json: true });
  });

  const bad: Array<[string, Record<string, string>, string[], RegExp]> = [
    ["no token", {}, [], /GHL_TOKEN is not set.*--sandbox/],
    [
      "malformed base URL",
      { ...TOKEN, GHL_BASE_URL: "services.leadconnectorhq" },
      [],
      /GHL_BASE_URL .* is not a URL/,
    ],
    ["plain http to a remote host", { ...TOKEN, GHL_BASE_URL: "http://example.com" }, [], /must use https/],
    ["unknown scope", { ...TOKEN, GHL_SCOPES: "contacts.read" }, [], /unknown scope "contacts.read"/],
    ["unknown tool", { ...TOKEN }, ["--tools", "get_contacts"], /--tools .* unknown tool "get_contacts"/],
    ["unknown excluded tool", { ...TOKEN, GHL_EXCLUDE_TOOLS: "nope" }, [], /unknown tool "nope"/],
    ["unknown toolset", { ...TOKEN }, ["--toolsets", "deals"], /unknown toolset "deals"/],
    ["bad read-only value", { ...TOKEN, GHL_READ_ONLY: "maybe" }, [], /GHL_READ_ONLY must be true or false/],
    ["bad log level", { ...TOKEN }, ["--log-level", "loud"], /Log level "loud"/],
    ["bad location id", { ...TOKEN, GHL_LOCATION_ID: "a/b" }, [], /GHL_LOCATION_ID/],
    ["unknown flag", { ...TOKEN }, ["--readonly"], /Unknown option '--readonly'.*--help/],
    ["unknown command", { ...TOKEN }, ["serve-http"], /Unknown command/],
  ];
  it.each(bad)("stops on %s with one clear line", (_what, env, argv, message) => {
    let error: unknown;
    try {
      parse(env, argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });
});
