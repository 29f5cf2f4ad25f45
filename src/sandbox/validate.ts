// Request validation with GHL's wording. GHL validates DTOs with NestJS's ValidationPipe
// (whitelist + forbidNonWhitelisted) and class-validator, so a bad request yields 422 with one
// message per broken rule: "title should not be empty", "property locationId should not exist".
// The messages below are class-validator's default texts.

import { unprocessable } from "./errors.js";

export type Body = Record<string, unknown>;

/** A JSON body as a plain object; anything else validates like an empty body. */
export function asBody(body: unknown): Body {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isIsoDate(value: string): boolean {
  return ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

// Deliberately simple: enough to refuse obvious non-addresses the way GHL does.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[A-Za-z]{2,}$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

interface Rule {
  required?: boolean;
  nullable?: boolean;
}

/** Collects every broken rule of one body, then throws a single 422 listing them all. */
export class Validator {
  readonly errors: string[] = [];

  constructor(readonly body: Body) {}

  /** Refuses properties the DTO does not declare. */
  whitelist(allowed: readonly string[]): this {
    for (const key of Object.keys(this.body)) {
      if (!allowed.includes(key)) this.errors.push(`property ${key} should not exist`);
    }
    return this;
  }

  private absent(name: string, rule: Rule): boolean {
    const value = this.body[name];
    return value === undefined || (value === null && !!rule.nullable);
  }

  string(name: string, rule: Rule & { notEmpty?: boolean } = {}): string | null | undefined {
    const value = this.body[name];
    if (this.absent(name, rule)) {
      if (rule.required && value === undefined) {
        this.errors.push(`${name} should not be empty`, `${name} must be a string`);
      }
      return value === null ? null : undefined;
    }
    if (typeof value !== "string") {
      this.errors.push(`${name} must be a string`);
      return undefined;
    }
    if ((rule.notEmpty || rule.required) && value.trim() === "") {
      this.errors.push(`${name} should not be empty`);
      return undefined;
    }
    return value;
  }

  email(name: string, rule: Rule = {}): string | null | undefined {
    const value = this.string(name, rule);
    if (typeof value === "string" && !isEmail(value.trim())) {
      this.errors.push(`${name} must be an email`);
      return undefined;
    }
    return typeof value === "string" ? value.trim() : value;
  }

  boolean(name: string, rule: Rule = {}): boolean | undefined {
    const value = this.body[name];
    if (value === undefined && !rule.required) return undefined;
    if (typeof value !== "boolean") {
      this.errors.push(`${name} must be a boolean value`);
      return undefined;
    }
    return value;
  }

  isoDate(name: string, rule: Rule = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined && !rule.required) return undefined;
    if (typeof value !== "string" || !isIsoDate(value)) {
      this.errors.push(`${name} must be a valid ISO 8601 date string`);
      return undefined;
    }
    return value;
  }

  number(name: string, rule: Rule & { min?: number; max?: number } = {}): number | undefined {
    const value = this.body[name];
    if (value === undefined && !rule.required) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.errors.push(`${name} must be a number conforming to the specified constraints`);
      return undefined;
    }
    return this.bounded(name, value, rule);
  }

  bounded(name: string, value: number, rule: { min?: number; max?: number }): number | undefined {
    if (rule.min !== undefined && value < rule.min) {
      this.errors.push(`${name} must not be less than ${rule.min}`);
      return undefined;
    }
    if (rule.max !== undefined && value > rule.max) {
      this.errors.push(`${name} must not be greater than ${rule.max}`);
      return undefined;
    }
    return value;
  }

  stringArray(name: string, rule: Rule & { notEmpty?: boolean } = {}): string[] | undefined {
    const value = this.body[name];
    if (value === undefined && !rule.required) return undefined;
    if (!Array.isArray(value)) {
      this.errors.push(`${name} must be an array`);
      return undefined;
    }
    if (!value.every((v) => typeof v === "string")) {
      this.errors.push(`each value in ${name} must be a string`);
      return undefined;
    }
    if (rule.notEmpty && value.length === 0) {
      this.errors.push(`${name} should not be empty`);
      return undefined;
    }
    return value as string[];
  }

  object(name: string, rule: Rule = {}): Body | null | undefined {
    const value = this.body[name];
    if (this.absent(name, rule)) {
      if (rule.required && value === undefined) this.errors.push(`${name} must be an object`);
      return value === null ? null : undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.errors.push(`${name} must be an object`);
      return undefined;
    }
    return value as Body;
  }

  /** Adds a custom message (for rules class-validator would phrase itself). */
  fail(message: string): void {
    this.errors.push(message);
  }

  throwIfInvalid(): void {
    if (this.errors.length > 0) throw unprocessable(this.errors);
  }
}

/** Validates query-string numbers, which arrive as strings ("limit=20"). */
export function queryNumber(
  v: Validator,
  query: Record<string, string>,
  name: string,
  rule: { min?: number; max?: number; fallback: number },
): number {
  const raw = query[name];
  if (raw === undefined || raw === "") return rule.fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    v.fail(`${name} must be a number conforming to the specified constraints`);
    return rule.fallback;
  }
  return v.bounded(name, value, rule) ?? rule.fallback;
}
