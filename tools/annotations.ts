/**
 * Annotation sets, one per kind of call, so hints follow access the same way everywhere.
 * openWorldHint is false: every tool acts only on the configured GHL sub-account's own records.
 */
import type { ToolAnnotations } from "../src/tool.js";

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** POST that makes a new record: calling twice makes two. */
export const CREATE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
/** Additive and repeatable, e.g. adding tags. */
export const ADD: ToolAnnotations = { ...CREATE, idempotentHint: true };
/** PUT-style change: repeatable, but it overwrites what was there. */
export const UPDATE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};
/** Removes data. */
export const DELETE: ToolAnnotations = UPDATE;
