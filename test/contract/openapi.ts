/**
 * OpenAPI contract checker for tests.
 *
 * Loads HighLevel's own Contacts API v2 spec (`contacts.json`, OpenAPI 3.0.0) and checks concrete requests
 * and responses against it with Ajv. It handles the spec's tooling quirks:
 * - `../common/common-schemas.json#/...` references are resolved to `common/common-schemas.json` next to
 *   `contacts.json` (upstream the app specs sit one folder below the repository root);
 * - OpenAPI 3.0 `nullable: true` is rewritten to JSON Schema (`type: [T, "null"]`, or `anyOf` with
 *   `{type: "null"}` for `$ref` / combinator schemas);
 * - annotation keywords (`example`, `deprecated`, `xml`, `discriminator`, ...) are stripped;
 * - a short list of {@link SPEC_ERRATA} widens types that the spec's own examples/descriptions contradict
 *   (each patch only applies while the spec still has the faulty value; pass `{ errata: false }` to skip).
 *
 * Schemas are not made stricter than the spec: extra properties are accepted unless the spec says
 * `additionalProperties: false`, and only properties the spec lists under `required` are required (see
 * `requireTopLevel` on {@link Contract.checkResponse} for an opt-in stricter mode).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default;

export interface ContractIssue {
  where: string;
  message: string;
}

export interface ResponseCheckOptions {
  /**
   * Also require every property the response schema documents at its top level (after `$ref`/`allOf`),
   * even though the spec marks (almost) none of them `required`. Catches a wrong wrapper key such as
   * `{ data: ... }` instead of `{ contact: ... }` or `succeeded` instead of `succeded`. Default false.
   */
  requireTopLevel?: boolean;
}

export interface LoadOptions {
  /** Apply {@link SPEC_ERRATA} (default true). */
  errata?: boolean;
}

export interface Contract {
  /**
   * Find the operation for a concrete request path like "/contacts/abc123/tasks/xyz". Templates are matched
   * segment by segment among the operations of that method; where several match, the one whose first
   * differing segment is literal wins (so "/contacts/{contactId}/campaigns/removeAll" beats
   * ".../campaigns/{campaignId}"). "/contacts" and "/contacts/" are the same; elsewhere a trailing slash or an
   * empty segment does not match. `template` is the spec's path key verbatim (e.g. "/contacts/").
   */
  findOperation(
    method: string,
    path: string,
  ): { operationId: string; template: string; scopes: string[] } | null;
  /** Validate a request as our client would send it. Returns a list of issues (empty = valid). */
  checkRequest(req: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string | undefined>;
    body: unknown;
  }): ContractIssue[];
  /**
   * Validate a response body against the spec's schema for that status. Undocumented statuses are an issue,
   * except 403 / 404 / 429 / 5xx, which the v2 spec documents nowhere: those are checked against the v3
   * common ForbiddenDTO / NotFoundDTO when available, else against `{statusCode: number, message: string |
   * string[]}` (both required).
   */
  checkResponse(
    res: { method: string; path: string; status: number; body: unknown },
    options?: ResponseCheckOptions,
  ): ContractIssue[];
  /** All operations, in spec order, for coverage reporting. `method` is upper case. */
  operations(): Array<{ method: string; template: string; operationId: string }>;
}

/** A known defect of the upstream spec that would reject traffic HighLevel itself documents as valid. */
export interface SpecErratum {
  /** JSON pointer into contacts.json. */
  pointer: string;
  /** Applied only while the node still has these values (so a fixed upstream spec is left alone). */
  when: Record<string, unknown>;
  /** Keys merged into the node. */
  patch: Record<string, unknown>;
  reason: string;
}

export const SPEC_ERRATA: readonly SpecErratum[] = [
  {
    pointer: "/components/schemas/CustomFieldSchema/properties/value",
    when: { type: "string" },
    patch: { type: ["string", "number", "array", "object"] },
    reason:
      "Contact responses' customFields[].value is typed string, but HighLevel's own ContactCreate/ContactUpdate " +
      'webhook schema types the same field ["string","number","array","object"] (multi-select, numeric fields).',
  },
  ...["NumericField", "MonetoryField"].map(
    (name): SpecErratum => ({
      pointer: `/components/schemas/${name}/properties/field_value`,
      when: { type: "object" },
      patch: { type: ["number", "object"] },
      reason: `${name}.field_value is typed object but its example is a number (100 / 100.5).`,
    }),
  ),
  ...["CreateContactDto", "UpdateContactDto", "UpsertContactDto"].map(
    (name): SpecErratum => ({
      pointer: `/components/schemas/${name}/properties/dateOfBirth`,
      when: { type: "object" },
      patch: { type: ["string", "object"] },
      reason:
        `${name}.dateOfBirth is typed object, but its description lists string formats (YYYY-MM-DD, ...) ` +
        'and its example is "1990-09-25".',
    }),
  ),
  {
    pointer: "/components/schemas/UpdateTagsResponseDTO/properties/responses/items",
    when: { type: "string" },
    patch: { type: ["string", "object"] },
    reason:
      "UpdateTagsResponseDTO.responses items are typed string, but the example is an array of objects " +
      "({contactId, message, type, ...}).",
  },
];

// ---------------------------------------------------------------------------------------------------------
// Locating the spec

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`openapi contract: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of the spec folder: env GHL_OPENAPI_DIR if set, else ../shared/ghl-openapi from the project root. */
export function specDir(): string {
  const fromEnv = process.env.GHL_OPENAPI_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
  return resolve(projectRoot(), "..", "shared", "ghl-openapi");
}

// ---------------------------------------------------------------------------------------------------------
// Small JSON helpers

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function pointerGet(root: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return root;
  let node = root;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const token = unescapePointer(decodeURIComponent(raw));
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObj(node)) node = node[token];
    else return undefined;
  }
  return node;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string")
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

// ---------------------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema -> Ajv (draft-07) schema

/** Annotation / OpenAPI-only keywords that Ajv does not need (or would misread). */
const DROPPED_KEYWORDS = new Set([
  "example",
  "examples",
  "xml",
  "externalDocs",
  "discriminator",
  "deprecated",
  "readOnly",
  "writeOnly",
  "nullable",
]);
const SCHEMA_MAP_KEYWORDS = new Set(["properties", "patternProperties", "definitions", "$defs"]);
const SCHEMA_KEYWORDS = new Set(["items", "additionalProperties", "not", "additionalItems", "contains"]);
const SCHEMA_ARRAY_KEYWORDS = new Set(["allOf", "anyOf", "oneOf"]);

interface ConvertContext {
  /** Absolute URL of the document the schema comes from; `$ref`s are made absolute against it. */
  base: string;
  /** Absolute document URLs (no fragment) referenced by the converted schemas. */
  referencedDocs: Set<string>;
  formats: Set<string>;
}

function absoluteRef(ref: string, ctx: ConvertContext): string {
  const url = new URL(ref, ctx.base);
  const doc = `${url.origin}${url.pathname}`;
  ctx.referencedDocs.add(doc);
  return url.href;
}

function convertSchema(schema: unknown, ctx: ConvertContext): unknown {
  if (Array.isArray(schema)) return schema.map((s) => convertSchema(s, ctx));
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (key === "$ref" && typeof value === "string") out.$ref = absoluteRef(value, ctx);
    else if (SCHEMA_MAP_KEYWORDS.has(key) && isObj(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v, ctx)]));
    } else if (SCHEMA_KEYWORDS.has(key) && (isObj(value) || Array.isArray(value))) {
      out[key] = convertSchema(value, ctx);
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s) => convertSchema(s, ctx));
    } else out[key] = value;
  }
  if (typeof out.format === "string") ctx.formats.add(out.format);
  // OpenAPI 3.0 (draft-04 style) boolean exclusiveMinimum/exclusiveMaximum.
  for (const [excl, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (out[excl] === true && typeof out[bound] === "number") {
      out[excl] = out[bound];
      delete out[bound];
    } else if (out[excl] === false) delete out[excl];
  }
  if (schema.nullable === true) return makeNullable(out);
  return out;
}

function makeNullable(schema: Obj): Obj {
  const { type } = schema;
  if (schema.$ref === undefined && (typeof type === "string" || Array.isArray(type))) {
    const types = Array.isArray(type) ? [...(type as unknown[])] : [type];
    if (!types.includes("null")) types.push("null");
    const out: Obj = { ...schema, type: types };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  // `$ref` (+ siblings), bare allOf/anyOf/oneOf, or a type-less schema: null OR the schema.
  return { anyOf: [schema, { type: "null" }] };
}

// ---------------------------------------------------------------------------------------------------------
// Path matching

/** Normalises a request path or template to its segments (without the leading empty one), or null. */
function pathSegments(path: string): string[] {
  let p = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").replace(/[?#].*$/, "");
  if (!p.startsWith("/")) p = `/${p}`;
  if (p === "/contacts/") p = "/contacts";
  return p.slice(1).split("/");
}

const PARAM_SEGMENT = /^\{([^}]+)\}$/;

/** Literal/parameter pattern of a template match, or null if it does not match. */
function matchTemplate(
  templateSegments: string[],
  segments: string[],
): { rank: number[]; params: Obj } | null {
  if (templateSegments.length !== segments.length) return null;
  const rank: number[] = [];
  const params: Obj = {};
  for (let i = 0; i < segments.length; i++) {
    const t = templateSegments[i] ?? "";
    const s = segments[i] ?? "";
    const param = PARAM_SEGMENT.exec(t);
    if (param) {
      if (s === "") return null;
      let value = s;
      try {
        value = decodeURIComponent(s);
      } catch {
        // keep raw
      }
      params[param[1] ?? ""] = value;
      rank.push(0);
    } else if (t === s) rank.push(1);
    else return null;
  }
  return { rank, params };
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// The contract

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SPEC_ROOT = "https://ghl-openapi.invalid/";
const CONTACTS_URL = `${SPEC_ROOT}apps/contacts.json`;
const V3_COMMON_URL = `${SPEC_ROOT}apps/v3/common/common-schemas.json`;

const GENERIC_ERROR_SCHEMA = {
  type: "object",
  required: ["statusCode", "message"],
  properties: {
    statusCode: { type: "number" },
    message: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
  },
};

interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
  validate: ValidateFunction | undefined;
}

interface ResponseSpec {
  schema: unknown;
  validate: ValidateFunction | undefined;
}

interface Operation {
  method: string;
  template: string;
  segments: string[];
  operationId: string;
  scopes: string[];
  requiresBearer: boolean;
  params: Param[];
  body: { required: boolean; media: Map<string, ValidateFunction | undefined> } | undefined;
  responses: Map<string, ResponseSpec>;
}

/** Maps an absolute spec URL (as produced from the upstream layout) to a file in the spec folder. */
function urlToFile(dir: string, docUrl: string): string {
  const rel = docUrl.startsWith(SPEC_ROOT)
    ? docUrl.slice(SPEC_ROOT.length)
    : new URL(docUrl).pathname.slice(1);
  // Upstream, app specs live under apps/ and shared schemas under common/; here apps/* sits at the top.
  return join(dir, ...rel.replace(/^apps\//, "").split("/"));
}

function applyErrata(spec: unknown): void {
  for (const erratum of SPEC_ERRATA) {
    const node = pointerGet(spec, erratum.pointer);
    if (!isObj(node)) continue;
    if (!Object.entries(erratum.when).every(([k, v]) => deepEqual(node[k], v))) continue;
    Object.assign(node, erratum.patch);
  }
}

/** null when contacts.json is absent (the test suite then skips). Throws if the spec is present but broken. */
export function loadContract(dir: string = specDir(), options: LoadOptions = {}): Contract | null {
  const contactsFile = join(dir, "contacts.json");
  if (!existsSync(contactsFile)) return null;
  const spec = readJson(contactsFile);
  if (!isObj(spec) || !isObj(spec.paths)) throw new Error(`openapi contract: ${contactsFile} has no paths`);
  if (options.errata !== false) applyErrata(spec);

  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);

  const ctx: ConvertContext = { base: CONTACTS_URL, referencedDocs: new Set(), formats: new Set() };
  const convertedDocs = new Map<string, unknown>();

  const addDocument = (url: string, raw: unknown): void => {
    const docCtx: ConvertContext = { ...ctx, base: url };
    const components = isObj(raw) && isObj(raw.components) ? raw.components : {};
    const schemas = isObj(components.schemas) ? components.schemas : {};
    const doc = {
      $id: url,
      components: {
        schemas: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, convertSchema(v, docCtx)])),
      },
    };
    convertedDocs.set(url, doc);
    ajv.addSchema(doc);
  };
  addDocument(CONTACTS_URL, spec);

  /** Resolves a local `$ref` to a non-schema OpenAPI object (parameter, requestBody, response). */
  const derefObject = (value: unknown): unknown => {
    let node = value;
    for (let i = 0; i < 10 && isObj(node) && typeof node.$ref === "string"; i++) {
      const url = new URL(node.$ref, CONTACTS_URL);
      if (`${url.origin}${url.pathname}` !== CONTACTS_URL) {
        throw new Error(`openapi contract: external $ref ${node.$ref} outside schemas is not supported`);
      }
      node = pointerGet(spec, url.hash.slice(1));
    }
    return node;
  };

  // Schemas are compiled after all referenced documents are loaded; collect them first.
  const pending: Array<{ schema: unknown; set: (fn: ValidateFunction) => void }> = [];
  const later = (rawSchema: unknown, set: (fn: ValidateFunction) => void): unknown => {
    const schema = convertSchema(rawSchema, ctx);
    pending.push({ schema, set });
    return schema;
  };

  const ops: Operation[] = [];
  for (const [template, rawItem] of Object.entries(spec.paths)) {
    const item = derefObject(rawItem);
    if (!isObj(item)) continue;
    const pathParams = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const opParams = Array.isArray(op.parameters) ? op.parameters : [];
      const byKey = new Map<string, Obj>();
      for (const rawParam of [...pathParams, ...opParams]) {
        const p = derefObject(rawParam);
        if (isObj(p) && typeof p.name === "string" && typeof p.in === "string")
          byKey.set(`${p.in}:${p.name}`, p);
      }
      const params: Param[] = [];
      for (const p of byKey.values()) {
        const name = String(p.name);
        const location = String(p.in);
        // OpenAPI: Accept, Content-Type and Authorization header parameters are ignored.
        if (
          location === "header" &&
          ["accept", "content-type", "authorization"].includes(name.toLowerCase())
        ) {
          continue;
        }
        const param: Param = {
          name,
          in: location,
          required: p.required === true || location === "path",
          schema: undefined,
          validate: undefined,
        };
        if (p.schema !== undefined) {
          param.schema = later(p.schema, (fn) => {
            param.validate = fn;
          });
        }
        params.push(param);
      }

      let body: Operation["body"];
      const rb = derefObject(op.requestBody);
      if (isObj(rb)) {
        const media = new Map<string, ValidateFunction | undefined>();
        for (const [type, mt] of Object.entries(isObj(rb.content) ? rb.content : {})) {
          media.set(type.toLowerCase(), undefined);
          if (isObj(mt) && mt.schema !== undefined)
            later(mt.schema, (fn) => media.set(type.toLowerCase(), fn));
        }
        body = { required: rb.required === true, media };
      }

      const responses = new Map<string, ResponseSpec>();
      for (const [status, rawResponse] of Object.entries(isObj(op.responses) ? op.responses : {})) {
        const response = derefObject(rawResponse);
        const entry: ResponseSpec = { schema: undefined, validate: undefined };
        responses.set(status.toUpperCase(), entry);
        const content = isObj(response) && isObj(response.content) ? response.content : {};
        const mt = content["application/json"] ?? Object.values(content)[0];
        if (isObj(mt) && mt.schema !== undefined) {
          entry.schema = later(mt.schema, (fn) => {
            entry.validate = fn;
          });
        }
      }

      const security = Array.isArray(op.security)
        ? op.security
        : Array.isArray(spec.security)
          ? spec.security
          : [];
      const schemes =
        isObj(spec.components) && isObj(spec.components.securitySchemes)
          ? spec.components.securitySchemes
          : {};
      const scopes: string[] = [];
      let requiresBearer = security.length > 0;
      for (const requirement of security) {
        if (!isObj(requirement)) continue;
        if (Object.keys(requirement).length === 0) requiresBearer = false; // `{}`: anonymous allowed
        for (const [schemeName, schemeScopes] of Object.entries(requirement)) {
          if (Array.isArray(schemeScopes)) {
            for (const s of schemeScopes) if (typeof s === "string" && !scopes.includes(s)) scopes.push(s);
          }
          const scheme = schemes[schemeName];
          const bearer =
            isObj(scheme) && scheme.type === "http" && String(scheme.scheme).toLowerCase() === "bearer";
          if (!bearer) requiresBearer = false;
        }
      }

      ops.push({
        method: method.toUpperCase(),
        template,
        segments: pathSegments(template),
        operationId:
          typeof op.operationId === "string" ? op.operationId : `${method.toUpperCase()} ${template}`,
        scopes,
        requiresBearer,
        params,
        body,
        responses,
      });
    }
  }

  // Load every external document the converted schemas point at (e.g. ../common/common-schemas.json).
  const loadReferenced = (): void => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const url of [...ctx.referencedDocs]) {
        if (convertedDocs.has(url)) continue;
        const file = urlToFile(dir, url);
        if (!existsSync(file))
          throw new Error(`openapi contract: ${url} is referenced but ${file} is missing`);
        const raw = readJson(file);
        addDocument(url, raw);
        changed = true;
      }
    }
  };
  loadReferenced();

  // v3 common error DTOs for statuses the v2 spec never documents.
  let forbidden: unknown = GENERIC_ERROR_SCHEMA;
  let notFound: unknown = GENERIC_ERROR_SCHEMA;
  const v3Common = urlToFile(dir, V3_COMMON_URL);
  if (existsSync(v3Common)) {
    if (!convertedDocs.has(V3_COMMON_URL)) addDocument(V3_COMMON_URL, readJson(v3Common));
    const v3 = convertedDocs.get(V3_COMMON_URL);
    if (pointerGet(v3, "/components/schemas/ForbiddenDTO") !== undefined) {
      forbidden = { $ref: `${V3_COMMON_URL}#/components/schemas/ForbiddenDTO` };
    }
    if (pointerGet(v3, "/components/schemas/NotFoundDTO") !== undefined) {
      notFound = { $ref: `${V3_COMMON_URL}#/components/schemas/NotFoundDTO` };
    }
  }

  for (const format of ctx.formats) if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
  for (const { schema, set } of pending) {
    try {
      set(ajv.compile(schema as object));
    } catch (error) {
      throw new Error(
        `openapi contract: cannot compile ${JSON.stringify(schema).slice(0, 200)}: ${String(error)}`,
      );
    }
  }
  const fallback = {
    forbidden: { schema: forbidden, validate: ajv.compile(forbidden as object) },
    notFound: { schema: notFound, validate: ajv.compile(notFound as object) },
    generic: { schema: GENERIC_ERROR_SCHEMA, validate: ajv.compile(GENERIC_ERROR_SCHEMA) },
  };

  /** Follows `$ref`s through the loaded documents. */
  const derefSchema = (schema: unknown): unknown => {
    let node = schema;
    for (let i = 0; i < 20 && isObj(node) && typeof node.$ref === "string"; i++) {
      const url = new URL(node.$ref);
      node = pointerGet(convertedDocs.get(`${url.origin}${url.pathname}`), url.hash.slice(1));
    }
    return node;
  };

  const topLevelProperties = (schema: unknown, depth = 0): string[] => {
    const node = derefSchema(schema);
    if (!isObj(node) || depth > 10) return [];
    const names = isObj(node.properties) ? Object.keys(node.properties) : [];
    if (Array.isArray(node.allOf))
      for (const part of node.allOf) names.push(...topLevelProperties(part, depth + 1));
    return [...new Set(names)];
  };

  const match = (method: string, path: string): { op: Operation; params: Obj } | null => {
    const m = method.toUpperCase();
    const segments = pathSegments(path);
    let best: { op: Operation; params: Obj; rank: number[] } | null = null;
    for (const op of ops) {
      if (op.method !== m) continue;
      const hit = matchTemplate(op.segments, segments);
      if (hit && (best === null || compareRank(hit.rank, best.rank) > 0)) best = { op, ...hit };
    }
    return best;
  };

  const noOperation = (method: string, path: string): ContractIssue => {
    const segments = pathSegments(path);
    const others = ops
      .filter((op) => op.method !== method.toUpperCase() && matchTemplate(op.segments, segments))
      .map((op) => `${op.method} ${op.template}`);
    const hint = others.length > 0 ? ` (the path exists for ${[...new Set(others)].join(", ")})` : "";
    return {
      where: "operation",
      message: `no operation in the spec matches ${method.toUpperCase()} ${path}${hint}`,
    };
  };

  return {
    findOperation(method, path) {
      const hit = match(method, path);
      if (!hit) return null;
      return { operationId: hit.op.operationId, template: hit.op.template, scopes: [...hit.op.scopes] };
    },

    checkRequest(req) {
      const hit = match(req.method, req.path);
      if (!hit) return [noOperation(req.method, req.path)];
      const { op } = hit;
      const issues: ContractIssue[] = [];
      const headers = new Map<string, string>();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k.toLowerCase(), v);

      for (const param of op.params) {
        const where = `${param.in}.${param.name}`;
        let raw: string | undefined;
        if (param.in === "query")
          raw = Object.hasOwn(req.query, param.name) ? req.query[param.name] : undefined;
        else if (param.in === "header") raw = headers.get(param.name.toLowerCase());
        else if (param.in === "path") raw = hit.params[param.name] as string | undefined;
        else continue; // cookie parameters: not used by this API
        if (raw === undefined) {
          if (param.required)
            issues.push({ where, message: `missing required ${param.in} parameter "${param.name}"` });
          continue;
        }
        if (param.validate) {
          const value = coerceParameter(raw, derefSchema(param.schema));
          if (!param.validate(value)) issues.push(...ajvIssues(where, param.validate.errors, value));
        }
      }
      const declaredQuery = new Set(op.params.filter((p) => p.in === "query").map((p) => p.name));
      for (const name of Object.keys(req.query)) {
        if (!declaredQuery.has(name)) {
          issues.push({
            where: `query.${name}`,
            message: `query parameter "${name}" is not declared by ${op.operationId}`,
          });
        }
      }

      const authorization = headers.get("authorization");
      if (authorization === undefined) {
        if (op.requiresBearer)
          issues.push({ where: "header.Authorization", message: "missing Authorization header" });
      } else if (!/^Bearer [^\s]+$/.test(authorization)) {
        issues.push({ where: "header.Authorization", message: 'Authorization must be "Bearer <token>"' });
      }

      const hasBody = req.body !== undefined && req.body !== null;
      if (!op.body) {
        if (hasBody) issues.push({ where: "body", message: `${op.operationId} declares no request body` });
      } else if (!hasBody) {
        if (op.body.required) issues.push({ where: "body", message: "missing required request body" });
      } else {
        const contentType = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
        let mediaType = contentType;
        if (contentType === undefined) {
          issues.push({
            where: "header.Content-Type",
            message: "missing Content-Type header for a request body",
          });
          mediaType = op.body.media.has("application/json")
            ? "application/json"
            : [...op.body.media.keys()][0];
        } else if (!op.body.media.has(contentType)) {
          issues.push({
            where: "header.Content-Type",
            message: `Content-Type ${contentType} is not one of ${[...op.body.media.keys()].join(", ")}`,
          });
        }
        const validate = mediaType === undefined ? undefined : op.body.media.get(mediaType);
        if (validate && !validate(req.body)) issues.push(...ajvIssues("body", validate.errors, req.body));
      }
      return dedupe(issues);
    },

    checkResponse(res, options = {}) {
      const hit = match(res.method, res.path);
      if (!hit) return [noOperation(res.method, res.path)];
      const { op } = hit;
      const status = String(res.status);
      let spec =
        op.responses.get(status) ?? op.responses.get(`${status[0] ?? ""}XX`) ?? op.responses.get("DEFAULT");
      if (!spec) {
        if (res.status === 403) spec = fallback.forbidden;
        else if (res.status === 404) spec = fallback.notFound;
        else if (res.status === 429 || res.status >= 500) spec = fallback.generic;
        else {
          return [
            {
              where: "status",
              message: `status ${status} is not documented for ${op.operationId} (documented: ${[...op.responses.keys()].join(", ")})`,
            },
          ];
        }
      }
      if (!spec.validate) return []; // the spec documents the status without a body schema
      const issues: ContractIssue[] = [];
      if (!spec.validate(res.body)) issues.push(...ajvIssues("body", spec.validate.errors, res.body));
      if (options.requireTopLevel && isObj(res.body)) {
        for (const name of topLevelProperties(spec.schema)) {
          if (!Object.hasOwn(res.body, name)) {
            issues.push({ where: "body", message: `missing documented top-level property "${name}"` });
          }
        }
      }
      return dedupe(issues);
    },

    operations() {
      return ops.map((op) => ({ method: op.method, template: op.template, operationId: op.operationId }));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers for checking

/** Query/path/header values arrive as strings; coerce them to the schema's type before validating. */
function coerceParameter(raw: string, schema: unknown): unknown {
  const types = isObj(schema) ? (Array.isArray(schema.type) ? schema.type : [schema.type]) : [];
  if (types.includes("string") || types.length === 0) return raw;
  if (types.includes("number") || types.includes("integer")) {
    if (raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  }
  if (types.includes("boolean")) {
    if (raw === "true") return true;
    if (raw === "false") return false;
  }
  if (types.includes("array")) {
    const items = isObj(schema) ? schema.items : undefined;
    return raw.split(",").map((part) => coerceParameter(part, items));
  }
  return raw;
}

function ajvMessage(error: ErrorObject, data: unknown): string {
  const actual = pointerGet(data, error.instancePath);
  const params = error.params as Obj;
  switch (error.keyword) {
    case "required":
      return `missing required property "${String(params.missingProperty)}"`;
    case "type": {
      const expected = (Array.isArray(params.type) ? params.type : String(params.type).split(",")).join(
        " or ",
      );
      return `must be ${expected} (got ${describeValue(actual)})`;
    }
    case "enum":
      return `must be one of ${JSON.stringify(params.allowedValues)} (got ${describeValue(actual)})`;
    case "additionalProperties":
      return `unexpected property "${String(params.additionalProperty)}"`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * Turns Ajv errors into issues. The errors of the failed branches of an anyOf/oneOf (which Ajv reports just
 * before the combinator's own error) are folded into one issue for the combinator.
 */
function ajvIssues(prefix: string, errors: ErrorObject[] | null | undefined, data: unknown): ContractIssue[] {
  const list = errors ?? [];
  const folded = new Set<number>();
  const details = new Map<number, string[]>();
  for (let i = list.length - 1; i >= 0; i--) {
    const error = list[i];
    if (!error || folded.has(i) || (error.keyword !== "anyOf" && error.keyword !== "oneOf")) continue;
    const reasons: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const inner = list[j];
      if (!inner || folded.has(j)) continue;
      const within =
        inner.instancePath === error.instancePath || inner.instancePath.startsWith(`${error.instancePath}/`);
      if (!within) break;
      folded.add(j);
      const rel = inner.instancePath.slice(error.instancePath.length);
      const reason = `${rel === "" ? "" : `${rel.slice(1)}: `}${ajvMessage(inner, data)}`;
      if (!reasons.includes(reason)) reasons.unshift(reason);
    }
    details.set(i, reasons);
  }
  const out: ContractIssue[] = [];
  list.forEach((error, i) => {
    if (folded.has(i)) return;
    const where = `${prefix}${error.instancePath}`;
    const reasons = details.get(i);
    if (reasons) {
      const shown = reasons.slice(0, 6).join("; ") + (reasons.length > 6 ? "; …" : "");
      const which = error.keyword === "anyOf" ? "at least one" : "exactly one";
      out.push({ where, message: `must match ${which} of the allowed schemas (${shown})` });
    } else out.push({ where, message: ajvMessage(error, data) });
  });
  return out;
}

function dedupe(issues: ContractIssue[]): ContractIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.where}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
