/**
 * Audit settings and where the audit log lives by default: the user's XDG state directory,
 * which is meant for data that should outlive a run but is not configuration (logs, history).
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

export interface AuditSettings {
  /** Absolute path of the audit file; undefined when auditing is off. */
  file: string | undefined;
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
}

export const DEFAULT_AUDIT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_AUDIT_KEEP = 5;

/** `$XDG_STATE_HOME/ghl-contacts-mcp/audit.jsonl`, else `~/.local/state/ghl-contacts-mcp/audit.jsonl`. */
export function defaultAuditFile(env: NodeJS.ProcessEnv): string {
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME?.trim();
  const stateHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME?.trim() || homedir(), ".local", "state");
  return join(stateHome, "ghl-contacts-mcp", "audit.jsonl");
}
