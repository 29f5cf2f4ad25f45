/** Due dates for reminders: an ISO 8601 date-time, or an ISO 8601 duration from now (PT2H, P3D). */
import { z } from "zod";

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const dateTime = z.iso.datetime({ offset: true });

export const dueDateOrDuration = z
  .string()
  .refine((v) => dateTime.safeParse(v).success || isDuration(v), {
    message: "must be an ISO 8601 date-time (2026-12-24T15:00:00Z) or a duration from now (PT2H, P3D)",
  })
  .describe("When it is due: ISO 8601 date-time with Z or offset, or a duration from now like PT2H or P3D");

function isDuration(value: string): boolean {
  return DURATION.test(value) && value !== "P" && !value.endsWith("T");
}

/** The due date as an ISO string (UTC); durations are added to `now` on the calendar. */
export function resolveDueDate(value: string, now: Date = new Date()): string {
  const m = DURATION.exec(value);
  if (!m || !isDuration(value)) return new Date(value).toISOString();
  const [years, months, weeks, days, hours, minutes, seconds] = m
    .slice(1)
    .map((n) => Number(n ?? 0)) as number[];
  const due = new Date(now);
  due.setUTCFullYear(due.getUTCFullYear() + (years ?? 0), due.getUTCMonth() + (months ?? 0));
  due.setUTCDate(due.getUTCDate() + (weeks ?? 0) * 7 + (days ?? 0));
  due.setTime(due.getTime() + ((hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0)) * 1000);
  return due.toISOString();
}
