import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import fc from 'fast-check';

/**
 * Reading an OpenAPI 3.1 description as a client would: its Schema Objects compiled with a JSON Schema
 * 2020-12 validator, and request values generated from them (valid-shaped, wrongly typed, too long).
 */

export type JsonSchema = { [keyword: string]: unknown } | boolean;

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema?: JsonSchema;
}

export interface Operation {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;
const BASE = 'https://portal.invalid/openapi/';
const COMPONENT_REF = '#/components/schemas/';

/** The document's own references point into the document; here each component is a schema of its own. */
const withAbsoluteRefs = (schema: JsonSchema): JsonSchema =>
  JSON.parse(JSON.stringify(schema).replaceAll(`"${COMPONENT_REF}`, `"${BASE}components/schemas/`));

export interface SchemaTools {
  /** Compiles strictly (unknown keywords, bad keyword values and unresolvable references throw). */
  compile(schema: JsonSchema): ValidateFunction;
  /** Whether the server's validator (which coerces query and path strings, and scalars into arrays) accepts it. */
  accepts(schema: JsonSchema, value: unknown): boolean;
  resolve(schema: JsonSchema): JsonSchema;
}

export function schemaTools(document: OpenApiDocument): SchemaTools {
  const make = (coerceTypes: false | 'array') => {
    const ajv = addFormats(new Ajv2020({ strict: true, allErrors: false, coerceTypes }));
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      ajv.addSchema(withAbsoluteRefs(schema) as object, `${BASE}components/schemas/${name}`);
    }
    const compiled = new Map<string, ValidateFunction>();
    let count = 0;
    return (schema: JsonSchema) => {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        count += 1;
        const absolute = withAbsoluteRefs(schema);
        validate = ajv.compile(
          typeof absolute === 'boolean' ? absolute : { ...absolute, $id: `${BASE}schema-${count}` },
        );
        compiled.set(key, validate);
      }
      return validate;
    };
  };
  const strict = make(false);
  const coercing = make('array');
  const resolve = (schema: JsonSchema): JsonSchema => {
    if (
      typeof schema === 'object' &&
      typeof schema.$ref === 'string' &&
      schema.$ref.startsWith(COMPONENT_REF)
    ) {
      const target = document.components?.schemas?.[schema.$ref.slice(COMPONENT_REF.length)];
      if (target === undefined) throw new Error(`unresolvable ${schema.$ref}`);
      return resolve(target);
    }
    return schema;
  };
  return {
    compile: strict,
    // Coercion rewrites the value in place: validate a copy.
    accepts: (schema, value) => coercing(schema)(structuredClone({ value }).value) === true,
    resolve,
  };
}

/** Every Schema Object of the document (parameters, request and response bodies), with where it is. */
export function* schemasOf(document: OpenApiDocument): Generator<[string, JsonSchema]> {
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    yield [`components.schemas.${name}`, schema];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? [])
        yield [`${at} ${parameter.in} ${parameter.name}`, parameter.schema];
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
        if (media.schema !== undefined) yield [`${at} body ${type}`, media.schema];
      for (const [status, response] of Object.entries(operation.responses))
        for (const [type, media] of Object.entries(response.content ?? {}))
          if (media.schema !== undefined) yield [`${at} ${status} ${type}`, media.schema];
    }
  }
}

type ObjectSchema = { [keyword: string]: unknown };
const asObject = (schema: JsonSchema): ObjectSchema => (typeof schema === 'object' ? schema : {});
const SEED = 19;

const generated = new Map<string, string>();

/** The longest of a few strings matching a pattern: long generated ids name nothing that exists. */
function stringMatching(pattern: string, minLength: number, maxLength: number): string {
  const key = `${minLength} ${maxLength} ${pattern}`;
  let longest = generated.get(key);
  if (longest === undefined) {
    longest = fc
      .sample(fc.stringMatching(new RegExp(pattern)), { seed: SEED, numRuns: 40 })
      .filter((value) => value.length >= minLength && value.length <= maxLength)
      .reduce((best, value) => (value.length > best.length ? value : best), '');
    generated.set(key, longest);
  }
  return longest;
}

/**
 * A value of the schema's shape: the first of each enum or union, required properties only, the
 * smallest allowed number, generated text for patterns. Path ids come out long and unknown.
 */
export function sampleOf(tools: SchemaTools, input: JsonSchema, depth = 0): unknown {
  const schema = asObject(tools.resolve(input));
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const union of ['anyOf', 'oneOf'] as const) {
    const branches = schema[union] as JsonSchema[] | undefined;
    if (branches) {
      const nonNull = branches.find((branch) => asObject(tools.resolve(branch)).type !== 'null');
      return sampleOf(tools, nonNull ?? branches[0]!, depth);
    }
  }
  if (Array.isArray(schema.allOf)) return sampleOf(tools, schema.allOf[0] as JsonSchema, depth);
  const type = [schema.type].flat().find((t) => t !== 'null') ?? schema.type;
  switch (type) {
    case 'string': {
      const minLength = (schema.minLength as number | undefined) ?? 0;
      const maxLength = (schema.maxLength as number | undefined) ?? Math.max(minLength, 24);
      if (schema.format === 'date-time') return '2026-03-04T05:06:07.000Z';
      if (schema.format === 'date') return '2026-03-04';
      if (schema.format === 'email') return 'contract.test@example.com';
      if (schema.format === 'uri') return 'https://example.com/contract-test';
      if (typeof schema.pattern === 'string') return stringMatching(schema.pattern, minLength, maxLength);
      return 'contract-test-value-xxxxxxxxxxxxxxxxxxxxxxxx'.slice(
        0,
        Math.max(minLength, Math.min(maxLength, 24)),
      );
    }
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number')
        return type === 'integer' ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 0.5;
      return typeof schema.maximum === 'number' ? Math.min(1, schema.maximum) : 1;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = Math.max((schema.minItems as number | undefined) ?? 0, depth < 3 ? 1 : 0);
      return Array.from({ length: Math.min(count, (schema.maxItems as number | undefined) ?? count) }, () =>
        sampleOf(tools, (schema.items as JsonSchema | undefined) ?? {}, depth + 1),
      );
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(
        required.map((name) => [name, sampleOf(tools, properties[name] ?? {}, depth + 1)]),
      );
    }
    default:
      return 'contract-test';
  }
}

/** A path id the server reads as unknown: the largest allowed number, or long generated text. */
export function unknownIdOf(tools: SchemaTools, input: JsonSchema): unknown {
  const schema = asObject(tools.resolve(input));
  if (schema.type === 'integer' || schema.type === 'number')
    return typeof schema.maximum === 'number' ? schema.maximum : 2_147_483_647;
  return sampleOf(tools, schema);
}

const WRONG_VALUES: unknown[] = [{ unexpected: true }, 'not-a-number', '~', false, [{ unexpected: true }]];

/** A value of the wrong type (or failing the pattern) that the server's validator refuses, if there is one. */
export function wrongValueOf(tools: SchemaTools, schema: JsonSchema): unknown {
  return WRONG_VALUES.find((value) => !tools.accepts(schema, value));
}

/**
 * A path or query value (text, as in a URL) that the server's validator refuses: not a number, failing
 * the pattern or enum, or too long; undefined when the schema takes any text.
 */
export function wrongTextOf(tools: SchemaTools, schema: JsonSchema): string | undefined {
  const maxLength = asObject(tools.resolve(schema)).maxLength;
  const candidates = ['not-a-number', '~', 'x'.repeat(typeof maxLength === 'number' ? maxLength + 1 : 3000)];
  return candidates.find((value) => !tools.accepts(schema, value));
}

/** A value just past the schema's length limits (strings and arrays, at any depth), or undefined. */
export function overlongOf(tools: SchemaTools, input: JsonSchema, depth = 0): unknown {
  const schema = asObject(tools.resolve(input));
  if (depth > 4) return undefined;
  if (typeof schema.maxLength === 'number') return 'x'.repeat(schema.maxLength + 1);
  if (typeof schema.maxItems === 'number' && schema.items !== undefined)
    return Array.from({ length: schema.maxItems + 1 }, () => sampleOf(tools, schema.items as JsonSchema));
  for (const union of ['anyOf', 'oneOf'] as const) {
    for (const branch of (schema[union] as JsonSchema[] | undefined) ?? []) {
      const value = overlongOf(tools, branch, depth + 1);
      if (value !== undefined) return value;
    }
  }
  if (schema.type === 'object' && schema.properties) {
    const base = sampleOf(tools, schema) as Record<string, unknown>;
    let changed = false;
    for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      const value = overlongOf(tools, property, depth + 1);
      if (value !== undefined) {
        base[name] = value;
        changed = true;
      }
    }
    return changed ? base : undefined;
  }
  return undefined;
}

/** The body's shape with every property of the wrong type, or undefined when the schema takes anything. */
export function wrongTypedBodyOf(tools: SchemaTools, input: JsonSchema): unknown {
  const schema = asObject(tools.resolve(input));
  if (schema.type !== 'object' || !schema.properties) return wrongValueOf(tools, schema);
  const body = sampleOf(tools, schema) as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    const wrong = wrongValueOf(tools, property);
    if (wrong !== undefined) body[name] = wrong;
  }
  return body;
}
