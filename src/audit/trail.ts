/**
 * The audit trail of one tool call: turns each write the call's GhlClient reports into a record
 * and appends it before the client method returns. Failures are also told to the MCP client.
 */
import type { WriteEvent } from "../ghl/client.js";
import type { ClientLog, Logger } from "../log.js";
import type { AuditLog } from "./audit-log.js";
import { buildAuditRecord, type CallIdentity } from "./record.js";

export interface TrailContext extends CallIdentity {
  audit: AuditLog;
  log: Logger;
  clientLog: ClientLog;
}

/** The `onWrite` hook for a tool call's GhlClient. Never throws: the write has already happened. */
export function auditTrail(ctx: TrailContext): (write: WriteEvent) => Promise<void> {
  return async (write) => {
    const record = buildAuditRecord(write, ctx);
    if (!record.outcome.ok) {
      ctx.clientLog.send(
        "warning",
        `${ctx.tool}: ${write.method} ${write.path} failed: ${record.outcome.error}`,
      );
    }
    if (!ctx.audit.file) {
      ctx.clientLog.once(
        "audit-off",
        "notice",
        "The audit log is off on this server: writes are not recorded.",
      );
      return;
    }
    try {
      await ctx.audit.append(record);
    } catch (error) {
      // Failing the call would hide a write that happened; say loudly that its record is missing.
      ctx.log.error(
        { err: error, method: record.method, path: record.path, ids: record.ids, outcome: record.outcome },
        "audit record could not be written",
      );
      ctx.clientLog.send(
        "error",
        `${ctx.tool}: the write ${record.method} ${record.path} was not recorded in the audit log (${(error as Error).message}).`,
      );
    }
  };
}
