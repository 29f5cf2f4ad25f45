// tsc does not set the executable bit; npm links bins from the package, so make the CLI runnable.
import { chmodSync } from "node:fs";

chmodSync(new URL("../dist/src/cli.js", import.meta.url), 0o755);
