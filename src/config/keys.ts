import type { z } from 'zod';

/** Unwraps default/prefault/nullable/optional wrappers of a zod 4 schema. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } };
  while (cur._zod.def.innerType && ['default', 'prefault', 'nullable', 'optional'].includes(cur._zod.def.type)) {
    cur = cur._zod.def.innerType as unknown as typeof cur;
  }
  return cur as unknown as z.ZodType;
}

/** Every leaf key path of an object schema ("storage.retention.routeEventsDays", ...). */
export function schemaKeyPaths(schema: z.ZodType, prefix = ''): string[] {
  const s = unwrap(schema) as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType> } } };
  if (s._zod.def.type !== 'object' || !s._zod.def.shape) return [prefix];
  return Object.entries(s._zod.def.shape).flatMap(([k, v]) => schemaKeyPaths(v, prefix ? `${prefix}.${k}` : k));
}
