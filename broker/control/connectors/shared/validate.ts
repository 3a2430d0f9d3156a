/** Request validation shared by every connector: zod issues become one INVALID error. */
import type { z } from 'zod';
import { ConnectorError } from '../errors.js';

export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, cluster: string, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ConnectorError('INVALID', `invalid ${what}: ${summary}`, cluster, { issues });
}
