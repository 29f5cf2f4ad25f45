/**
 * The audit file: one JSON line per write, appended and fsynced before the tool result returns,
 * so a crash right after a write loses no record. Appends are serialized in-process (lines never
 * interleave); appends that arrive while a sync is running are written together by the next one,
 * which keeps parallel calls from queueing one fsync each. Rotation is by size:
 * audit.jsonl → audit.jsonl.1 → … → audit.jsonl.<keep>, the oldest dropped.
 */
import { type FileHandle, mkdir, open, readFile, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../config.js";
import { type Logger, redactSecrets } from "../log.js";
import type { AuditRecord } from "./record.js";
import type { AuditSettings } from "./settings.js";

export interface AuditQuery {
  contactId?: string | undefined;
  tool?: string | undefined;
  /** Only records whose caller is this one (HTTP tenants see their own writes). */
  caller?: string | undefined;
  /** Inclusive bounds on the record's time. */
  since?: Date | undefined;
  until?: Date | undefined;
  limit: number;
}

export interface AuditLog {
  /** Where records go; undefined when auditing is off. */
  readonly file: string | undefined;
  /** Resolves once the record is on disk (written and fsynced). */
  append(record: AuditRecord): Promise<void>;
  /** Matching records, newest first, across the rotated files. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/** Auditing turned off: nothing is written, nothing can be read. */
export const AUDIT_OFF: AuditLog = {
  file: undefined,
  append: async () => {},
  query: async () => [],
  close: async () => {},
};

export interface AuditFileOptions {
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
  /** Scrubbed from every line, whatever field they hide in. */
  secrets?: readonly string[];
}

interface Pending {
  line: string;
  done(error?: unknown): void;
}

export class FileAuditLog implements AuditLog {
  private pending: Pending[] = [];
  private flushQueued = false;
  /** Every file operation runs after the one before it: appends, rotation and reads. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private handle: FileHandle,
    private size: number,
    private readonly options: AuditFileOptions,
  ) {}

  static async open(file: string, options: AuditFileOptions): Promise<FileAuditLog> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const { handle, size } = await openForAppend(file);
    return new FileAuditLog(file, handle, size, options);
  }

  append(record: AuditRecord): Promise<void> {
    const line = `${redactSecrets(JSON.stringify(record), this.options.secrets ?? [])}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.flushQueued) {
        this.flushQueued = true;
        void this.exclusive(() => this.flush());
      }
    });
  }

  query(query: AuditQuery): Promise<AuditRecord[]> {
    return this.exclusive(() => this.read(query));
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.handle.close());
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Writes every line waiting now in one write and one fsync, then settles their promises. */
  private async flush(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    const bytes = Buffer.from(batch.map((p) => p.line).join(""));
    try {
      if (this.size > 0 && this.size + bytes.length > this.options.maxBytes) await this.rotate();
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, offset);
        offset += bytesWritten;
      }
      await this.handle.sync();
      this.size += bytes.length;
      for (const p of batch) p.done();
    } catch (error) {
      for (const p of batch) p.done(error);
    }
  }

  private async rotate(): Promise<void> {
    await this.handle.close();
    const { file, options } = this;
    try {
      // Shift .N-1 → .N … .1 → .2; renaming onto .N replaces (drops) the oldest.
      for (let n = options.keep - 1; n >= 1; n--) await renameIfExists(`${file}.${n}`, `${file}.${n + 1}`);
      await rename(file, `${file}.1`);
    } finally {
      // Reopen even if a rename failed: the record then goes to the unrotated file, not nowhere.
      const { handle, size } = await openForAppend(file);
      this.handle = handle;
      this.size = size;
    }
  }

  private async read(query: AuditQuery): Promise<AuditRecord[]> {
    const found: AuditRecord[] = [];
    const files = [this.file];
    for (let n = 1; n <= this.options.keep; n++) files.push(`${this.file}.${n}`);
    for (const file of files) {
      const lines = (await readIfExists(file)).split("\n");
      for (let i = lines.length - 1; i >= 0 && found.length < query.limit; i--) {
        const record = parseLine(lines[i] as string);
        if (record && matches(record, query)) found.push(record);
      }
      if (found.length >= query.limit) break;
    }
    return found;
  }
}

/** Opens (creating with mode 0600) for appending; a new file's directory entry is synced too. */
async function openForAppend(file: string): Promise<{ handle: FileHandle; size: number }> {
  const existed = await stat(file).then(
    () => true,
    () => false,
  );
  const handle = await open(file, "a", 0o600);
  const info = await handle.stat();
  // The file holds contact data: keep it private even if something else created it.
  if ((info.mode & 0o777) !== 0o600) await handle.chmod(0o600);
  if (!existed) await syncDirectory(dirname(file));
  return { handle, size: info.size };
}

/** Makes a new or renamed directory entry durable; not possible everywhere (Windows), so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The record itself is synced; only the entry's durability across power loss is at stake.
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/** A line that is not a record (a torn last line after a power cut, an edit) is skipped. */
function parseLine(line: string): AuditRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as AuditRecord;
    return value && typeof value === "object" && typeof value.time === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

function matches(record: AuditRecord, query: AuditQuery): boolean {
  if (query.contactId !== undefined && record.ids?.contactId !== query.contactId) return false;
  if (query.tool !== undefined && record.tool !== query.tool) return false;
  if (query.caller !== undefined && record.caller !== query.caller) return false;
  if (query.since || query.until) {
    const time = Date.parse(record.time);
    if (query.since && !(time >= query.since.getTime())) return false;
    if (query.until && !(time <= query.until.getTime())) return false;
  }
  return true;
}

/**
 * The audit log a server runs with, announced on the log. A file that cannot be opened stops
 * the server at start: running without the audit trail someone asked for would be worse.
 */
export async function openAuditLog(
  settings: AuditSettings,
  log: Logger,
  secrets: readonly string[],
  offBecause = "GHL_AUDIT_FILE=off",
): Promise<AuditLog> {
  if (!settings.file) {
    // Turned off by the operator: worth a warning. Off because this is the demo sandbox: expected.
    const level = offBecause.startsWith("--sandbox") ? "info" : "warn";
    log[level]({ audit: "off", why: offBecause }, "audit log is off: writes to GHL are not recorded");
    return AUDIT_OFF;
  }
  try {
    const audit = await FileAuditLog.open(settings.file, { ...settings, secrets });
    log.info({ audit: settings.file, maxBytes: settings.maxBytes, keep: settings.keep }, "audit log");
    return audit;
  } catch (error) {
    throw new ConfigError(
      `cannot open the audit log ${settings.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        "Set GHL_AUDIT_FILE to a writable file, or to off.",
    );
  }
}
