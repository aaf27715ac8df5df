// The single validated entry used by every adapter: parse input with the method's zod schema, then call.
import { methods, isMethodName, formatIssues, type MethodName, type Service } from '../../shared/api';
import { AppError } from '../../shared/errors';

export function parseInput<K extends MethodName>(name: K, raw: unknown) {
  const result = methods[name].input.safeParse(raw ?? {});
  if (!result.success) throw new AppError('input', `Invalid input for ${name}: ${formatIssues(result.error.issues)}`);
  return result.data;
}

export async function invoke(service: Service, name: string, raw: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new AppError('not_found', `Unknown method: ${name}`);
  const input = parseInput(name, raw);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (service[name] as (i: any) => Promise<unknown>)(input);
}
