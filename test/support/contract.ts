import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** The schema with every object closed (additionalProperties: false), records and open values left as they are. */
export function strict<T extends TSchema>(schema: T): T {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (node === null || typeof node !== 'object') return node;
    const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, close(value)]));
    if (copy.type === 'object' && 'properties' in copy && !('additionalProperties' in copy))
      copy.additionalProperties = false;
    return copy;
  };
  return close(schema) as T;
}

/** Where the body disagrees with the strict contract: path and message, empty when it conforms. */
export function disagreements(schema: TSchema, body: unknown): string[] {
  return [...Value.Errors(strict(schema), body)].map(
    (error) => `${error.instancePath || '/'}: ${error.message} (${error.schemaPath})`,
  );
}
