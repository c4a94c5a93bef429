import { isRecord } from "./encoding.js";

/**
 * The label schema: a small subset of JSON Schema (draft 2020-12) for one item's label. Every
 * keyword keeps its JSON Schema meaning, so a label valid here is valid for any JSON Schema
 * validator given the same schema. A node has `type`, `enum` or both; `title` and `description`
 * may annotate any node. Anything else (`pattern`, `$ref`, `oneOf`, `format`, ...) is refused, so
 * that nobody believes a constraint is enforced when it is not.
 *
 * | type | keywords |
 * |---|---|
 * | (none, or any below) | `enum`: a non-empty list of distinct strings, numbers, booleans or null |
 * | `"string"` | `minLength`, `maxLength` (in Unicode code points) |
 * | `"number"`, `"integer"` | `minimum`, `maximum` (inclusive) |
 * | `"boolean"` | — |
 * | `"object"` | `properties` (required), `required`, `additionalProperties` (boolean, default true) |
 * | `"array"` | `items` (required), `minItems`, `maxItems` |
 */
export type LabelSchema = EnumSchema | StringSchema | NumberSchema | BooleanSchema | ObjectSchema | ArraySchema;

interface Annotations {
  title?: string;
  description?: string;
}
export type EnumValue = string | number | boolean | null;
export interface EnumSchema extends Annotations {
  type?: "string" | "number" | "integer" | "boolean";
  enum: readonly EnumValue[];
}
export interface StringSchema extends Annotations {
  type: "string";
  enum?: readonly string[];
  minLength?: number;
  maxLength?: number;
}
export interface NumberSchema extends Annotations {
  type: "number" | "integer";
  enum?: readonly number[];
  minimum?: number;
  maximum?: number;
}
export interface BooleanSchema extends Annotations {
  type: "boolean";
  enum?: readonly boolean[];
}
export interface ObjectSchema extends Annotations {
  type: "object";
  properties: Readonly<Record<string, LabelSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean;
}
export interface ArraySchema extends Annotations {
  type: "array";
  items: LabelSchema;
  minItems?: number;
  maxItems?: number;
}

/** Deepest schema nesting accepted. */
const MAX_SCHEMA_DEPTH = 16;

const KEYWORDS: Record<string, readonly string[]> = {
  none: [],
  string: ["minLength", "maxLength"],
  number: ["minimum", "maximum"],
  integer: ["minimum", "maximum"],
  boolean: [],
  object: ["properties", "required", "additionalProperties"],
  array: ["items", "minItems", "maxItems"],
};

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/** Every problem with `schema` as a label schema, each prefixed with its path. */
export function schemaIssues(schema: unknown, path: string, depth = 0): string[] {
  if (!isRecord(schema)) return [`${path}: expected a schema object`];
  if (depth > MAX_SCHEMA_DEPTH) return [`${path}: nested deeper than ${MAX_SCHEMA_DEPTH}`];
  const issues: string[] = [];
  const type = schema.type;
  if (type !== undefined && (typeof type !== "string" || !Object.hasOwn(KEYWORDS, type) || type === "none")) {
    return [`${path}.type: expected one of ${Object.keys(KEYWORDS).slice(1).join(", ")}`];
  }
  if (type === undefined && schema.enum === undefined) return [`${path}: needs "type" or "enum"`];
  const allowed = ["type", "enum", "title", "description", ...KEYWORDS[(type as string | undefined) ?? "none"]!];
  for (const key of Object.keys(schema)) {
    if (!allowed.includes(key)) issues.push(`${path}.${key}: keyword not supported${type ? ` for type ${type}` : ""}`);
  }
  for (const key of ["title", "description"]) {
    if (schema[key] !== undefined && typeof schema[key] !== "string") issues.push(`${path}.${key}: expected a string`);
  }
  if (schema.enum !== undefined) {
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) issues.push(`${path}.enum: expected a non-empty array`);
    else {
      values.forEach((value, i) => {
        const primitive = value === null || ["string", "number", "boolean"].includes(typeof value);
        if (!primitive) issues.push(`${path}.enum[${i}]: expected a string, number, boolean or null`);
        else if (type !== undefined && !hasType(value, type as string))
          issues.push(`${path}.enum[${i}]: not of type ${type}`);
        if (values.indexOf(value) !== i) issues.push(`${path}.enum[${i}]: duplicate value ${JSON.stringify(value)}`);
      });
    }
  }
  for (const key of ["minLength", "maxLength", "minItems", "maxItems"]) {
    if (schema[key] !== undefined && !isCount(schema[key])) {
      issues.push(`${path}.${key}: expected a non-negative integer`);
    }
  }
  for (const key of ["minimum", "maximum"]) {
    if (schema[key] !== undefined && !Number.isFinite(schema[key])) issues.push(`${path}.${key}: expected a number`);
  }
  for (const [min, max] of [
    ["minLength", "maxLength"],
    ["minItems", "maxItems"],
    ["minimum", "maximum"],
  ] as const) {
    if (typeof schema[min] === "number" && typeof schema[max] === "number" && schema[min] > schema[max]) {
      issues.push(`${path}.${max}: less than ${min}`);
    }
  }
  if (type === "object") {
    const properties = schema.properties;
    if (!isRecord(properties)) issues.push(`${path}.properties: expected an object`);
    else {
      for (const [name, sub] of Object.entries(properties)) {
        issues.push(...schemaIssues(sub, `${path}.properties${pathKey(name)}`, depth + 1));
      }
    }
    if (schema.required !== undefined) {
      const required = schema.required;
      if (!Array.isArray(required)) issues.push(`${path}.required: expected an array of property names`);
      else {
        required.forEach((name, i) => {
          if (typeof name !== "string" || !isRecord(properties) || !Object.hasOwn(properties, name)) {
            issues.push(`${path}.required[${i}]: ${JSON.stringify(name)} is not in properties`);
          } else if (required.indexOf(name) !== i)
            issues.push(`${path}.required[${i}]: duplicate ${JSON.stringify(name)}`);
        });
      }
    }
    if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== "boolean") {
      issues.push(`${path}.additionalProperties: expected a boolean`);
    }
  }
  if (type === "array") {
    if (schema.items === undefined) issues.push(`${path}.items: required for type array`);
    else issues.push(...schemaIssues(schema.items, `${path}.items`, depth + 1));
  }
  return issues;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    default:
      return false;
  }
}

/** `.name` for identifiers, `["name"]` otherwise. */
export function pathKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** Every way `value` breaks `schema` (already checked with `schemaIssues`), each prefixed with its path. */
export function labelIssues(schema: LabelSchema, value: unknown, path: string): string[] {
  const s = schema as LabelSchema & Record<string, unknown>;
  if (s.type !== undefined && !hasType(value, s.type)) return [`${path}: expected ${article(s.type)}`];
  if (s.enum !== undefined && !(s.enum as readonly unknown[]).includes(value)) {
    return [`${path}: expected one of ${(s.enum as readonly unknown[]).map((v) => JSON.stringify(v)).join(", ")}`];
  }
  const issues: string[] = [];
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof s.minLength === "number" && length < s.minLength) issues.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === "number" && length > s.maxLength) issues.push(`${path}: longer than ${s.maxLength}`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) issues.push(`${path}: less than ${s.minimum}`);
    if (typeof s.maximum === "number" && value > s.maximum) issues.push(`${path}: more than ${s.maximum}`);
  }
  if (s.type === "array" && Array.isArray(value)) {
    const array = schema as ArraySchema;
    if (array.minItems !== undefined && value.length < array.minItems) {
      issues.push(`${path}: fewer than ${array.minItems} items`);
    }
    if (array.maxItems !== undefined && value.length > array.maxItems) {
      issues.push(`${path}: more than ${array.maxItems} items`);
    }
    value.forEach((item, i) => issues.push(...labelIssues(array.items, item, `${path}[${i}]`)));
  }
  if (s.type === "object" && isRecord(value)) {
    const object = schema as ObjectSchema;
    for (const name of object.required ?? []) {
      if (!Object.hasOwn(value, name)) issues.push(`${path}${pathKey(name)}: required`);
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(object.properties, name)) {
        issues.push(...labelIssues(object.properties[name]!, item, `${path}${pathKey(name)}`));
      } else if (object.additionalProperties === false) {
        issues.push(`${path}${pathKey(name)}: property not allowed`);
      }
    }
  }
  return issues;
}

function article(type: string): string {
  return type === "integer" || type === "object" || type === "array" ? `an ${type}` : `a ${type}`;
}
