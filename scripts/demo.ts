/**
 * `npm run demo`: runs the built server over stdio in sandbox mode and drives it with a real
 * MCP client through a short session, printing what an agent would see.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const BIN = fileURLToPath(new URL("../src/cli.js", import.meta.url));

async function connect(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "--sandbox", ...args],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn" },
    stderr: "inherit",
  });
  const client = new Client({ name: "ghl-contacts-mcp-demo", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

type Json = Record<string, unknown>;

async function call(client: Client, name: string, args: Json): Promise<Json> {
  console.log(`\n→ ${name} ${JSON.stringify(args)}`);
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) {
    const first = result.content[0];
    console.log(`  ✗ error: ${first?.type === "text" ? first.text : "(no text)"}`);
    return {};
  }
  return result.structuredContent as Json;
}

const step = (title: string) => console.log(`\n== ${title}`);

async function main() {
  step("Start the server over stdio with the built-in sandbox (demo GHL data, no account needed)");
  const client = await connect([]);
  const info = client.getServerVersion();
  console.log(`connected to ${info?.name} ${info?.version}`);

  const { tools } = await client.listTools();
  const reads = tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name);
  const writes = tools.filter((t) => !t.annotations?.readOnlyHint).map((t) => t.name);
  console.log(`${tools.length} tools. read: ${reads.join(", ")}`);
  console.log(`write: ${writes.join(", ")}`);

  step("Find a contact and read it");
  const found = await call(client, "search_contacts", { query: "maya", pageLimit: 1 });
  const match = (found.contacts as Json[])[0] as { id: string; firstName: string; lastName: string };
  console.log(`  found ${match.firstName} ${match.lastName} (${match.id}) of ${found.total}`);
  const { contact } = (await call(client, "get_contact", { contactId: match.id })) as { contact: Json };
  console.log(
    `  ${contact.email} · ${contact.phone} · ${contact.companyName} · tags: ${(contact.tags as string[]).join(", ")}`,
  );

  step("Create a task due in two days, then complete it");
  const dueDate = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const { task } = (await call(client, "create_task", {
    contactId: match.id,
    title: "Send the renewal quote",
    dueDate,
  })) as { task: Json };
  console.log(`  created task ${task.id}, due ${task.dueDate}, completed: ${task.completed}`);
  const done = (await call(client, "complete_task", { contactId: match.id, taskId: task.id })) as {
    task: Json;
  };
  console.log(`  completed: ${done.task.completed}`);

  step("Tag the contact");
  const tagged = await call(client, "add_tags", { contactId: match.id, tags: ["renewal-2027"] });
  console.log(`  tags now: ${(tagged.tags as string[]).join(", ")}`);

  step("Bad input is refused before any request");
  await call(client, "get_contact", { contactId: "../locations" });
  await client.close();

  step("Restart read-only: write tools disappear and are refused by name");
  const readOnly = await connect(["--read-only"]);
  console.log(`${(await readOnly.listTools()).tools.length} tools listed`);
  await call(readOnly, "create_task", { contactId: match.id, title: "Should not exist", dueDate });
  await readOnly.close();
  console.log(
    "\nDone. Connect your own client with `ghl-contacts-mcp --sandbox`, or set GHL_TOKEN for real data.",
  );
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
