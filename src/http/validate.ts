import Boom from '@hapi/boom';
import type { Request, ResponseToolkit } from '@hapi/hapi';
import type { z } from 'zod';

interface ValidationDetail {
  path: Array<string | number>;
  message: string;
}

/**
 * Lets hapi validate with a zod schema, so the API and the config share one
 * schema library. hapi calls validate(value) Joi-style: it must return the
 * validated value or throw an error carrying `details` (each with a path array).
 */
/**
 * The schema behind each validate function, for the OpenAPI description. hapi
 * deep-clones route settings (which breaks zod's internals) but keeps
 * functions by reference, so the function is the key.
 */
export const schemaOf = new WeakMap<(value: unknown) => unknown, z.ZodType>();

export function zod<T extends z.ZodType>(schema: T) {
  const v = {
    validate(value: unknown): z.output<T> {
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      const details: ValidationDetail[] = r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
      const err = new Error(details.map((d) => `${d.path.join('.') || '(value)'}: ${d.message}`).join('; '));
      (err as Error & { details: ValidationDetail[] }).details = details;
      throw err;
    },
  };
  schemaOf.set(v.validate, schema);
  return v;
}

/** 400 with every problem listed: { statusCode, error, message, problems: [{path, message}] }. */
export function failAction(_req: Request, _h: ResponseToolkit, err?: Error): never {
  const boom = Boom.badRequest(err?.message ?? 'invalid request');
  const details = (err as (Error & { details?: ValidationDetail[] }) | undefined)?.details ?? [];
  (boom.output.payload as unknown as Record<string, unknown>).problems = details.map((d) => ({ path: d.path.join('.'), message: d.message }));
  throw boom;
}
