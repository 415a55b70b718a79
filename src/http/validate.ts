import Boom from '@hapi/boom';
import type { Request, ResponseToolkit } from '@hapi/hapi';
import type { z } from 'zod';

/**
 * Lets hapi validate with a zod schema (hapi accepts any object with a
 * Joi-style validate(value) method), so the API and the config share one
 * schema library and one error shape.
 */
export function zod<T extends z.ZodType>(schema: T) {
  return {
    validate(value: unknown) {
      const r = schema.safeParse(value);
      if (r.success) return { value: r.data };
      const err = new Error(r.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; '));
      (err as Error & { details: unknown }).details = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return { error: err };
    },
  };
}

/** 400 with every problem listed: { statusCode, error, message, problems: [{path, message}] }. */
export function failAction(_req: Request, _h: ResponseToolkit, err?: Error): never {
  const boom = Boom.badRequest(err?.message ?? 'invalid request');
  (boom.output.payload as unknown as Record<string, unknown>).problems = (err as Error & { details?: unknown })?.details ?? [];
  throw boom;
}
