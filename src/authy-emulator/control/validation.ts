import { z } from 'zod';
import { ControlError } from '../errors';

/** Parses a control API input or answers 400 with every problem named (path: message). */
export function parseControl<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ControlError(400, 'invalid_input', `invalid ${what}: ${problems}`);
}

/** An instant given as ISO 8601 text or epoch milliseconds; yields epoch ms. */
export const InstantSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int().min(0)])
  .transform((value) => (typeof value === 'number' ? value : Date.parse(value)));
