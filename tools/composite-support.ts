/** Pieces the composite tools share: comparing as GHL does, and running a write plan. */
import { PartialWriteError, type ToolContext } from "../src/tool.js";

/** GHL stores tags trimmed and lower-case, and compares them that way. */
export const tagKey = (tag: string) => tag.trim().toLowerCase();

/** Task titles match trimmed and case-insensitively. */
export const titleKey = (title: string | null | undefined) => (title ?? "").trim().toLowerCase();

/** Same instant, whatever the notation (Z vs +00:00, with or without milliseconds). */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return a === b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

/** Tags of `wanted` not already in `current`, compared as GHL does, each once. */
export function missingTags(current: readonly string[], wanted: readonly string[]): string[] {
  const have = new Set(current.map(tagKey));
  const out: string[] = [];
  for (const tag of wanted) {
    const key = tagKey(tag);
    if (!have.has(key)) {
      have.add(key);
      out.push(tag.trim());
    }
  }
  return out;
}

/** Tags of `unwanted` that `current` has, each once. */
export function presentTags(current: readonly string[], unwanted: readonly string[]): string[] {
  const have = new Set(current.map(tagKey));
  const seen = new Set<string>();
  return unwanted.filter((tag) => {
    const key = tagKey(tag);
    if (!have.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Normalized tags that appear in both lists: asking to add and remove one tag is a mistake. */
export function overlappingTags(add: readonly string[], remove: readonly string[]): string[] {
  const removing = new Set(remove.map(tagKey));
  return [...new Set(add.map(tagKey).filter((key) => removing.has(key)))];
}

export interface WriteStep {
  /** What the step writes, in words the agent can act on, e.g. `create task "Call back"`. */
  label: string;
  run(): Promise<void>;
}

/**
 * Runs write steps in order, reporting progress. If one fails, throws PartialWriteError with
 * what was written and what was not; the agent can then call the tool again safely, because
 * composites re-read and only write what still differs.
 */
export async function runWrites(steps: readonly WriteStep[], ctx: ToolContext, readSteps = 1): Promise<void> {
  const total = readSteps + steps.length;
  for (const [index, step] of steps.entries()) {
    try {
      await step.run();
    } catch (error) {
      throw new PartialWriteError(
        error,
        steps.slice(0, index).map((s) => s.label),
        steps.slice(index).map((s) => s.label),
      );
    }
    await ctx.progress(readSteps + index + 1, total, step.label);
  }
}
