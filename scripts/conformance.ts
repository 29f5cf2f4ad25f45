/**
 * `npm run conformance`: runs the MCP conformance suite's scenarios that apply to a product
 * server (the rest need the suite's fixture tools) against the built server in
 * `--sandbox --http --no-auth` mode on a free loopback port, then stops it.
 *
 * Not part of `npm test`: the suite needs Node 22, which npx fetches from the npm registry
 * (`-p node@22`), so it needs network. The suite cannot send an Authorization header, hence
 * --no-auth, which the server allows on loopback only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SUITE = "@modelcontextprotocol/conformance@0.1.16";
const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "dns-rebinding-protection",
];
// Runs from dist/scripts/; the server is dist/src/cli.js.
const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));

async function main(): Promise<number> {
  const server = spawn(process.execPath, [CLI, "--sandbox", "--http", "--no-auth", "--port", "0"], {
    env: { ...process.env, LOG_LEVEL: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    const url = await serverUrl(server);
    process.stdout.write(`server under test: ${url}\n`);
    const results: Array<[string, boolean]> = [];
    for (const scenario of SCENARIOS) {
      process.stdout.write(`\n== ${scenario}\n`);
      const code = await run("npx", [
        "-y",
        "-p",
        "node@22",
        "-p",
        SUITE,
        "--",
        "conformance",
        "server",
        "--url",
        url,
        "--scenario",
        scenario,
      ]);
      results.push([scenario, code === 0]);
    }
    process.stdout.write(`\n${SUITE}\n`);
    for (const [scenario, passed] of results)
      process.stdout.write(`${passed ? "PASS" : "FAIL"}  ${scenario}\n`);
    return results.every(([, passed]) => passed) ? 0 : 1;
  } finally {
    server.kill("SIGTERM");
  }
}

/** Waits for the server's "serving MCP" log line and returns its /mcp URL. */
function serverUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${log}`)), 20_000);
    server.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const url = /"url":"(http:[^"]+\/mcp)"/.exec(log)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    server.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", shell: process.platform === "win32" });
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`conformance: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
