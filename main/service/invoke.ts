// The single validated entry used by every adapter: parse input with the method's zod schema, then call.
import { methods, isMethodName, formatIssues, type MethodName, type Service } from '../../shared/api';

export class InvalidInputError extends Error {
  readonly status = 400;
  constructor(message: string) { super(message); this.name = 'InvalidInputError'; }
}
export class UnknownMethodError extends Error {
  readonly status = 404;
  constructor(name: string) { super(`Unknown method: ${name}`); this.name = 'UnknownMethodError'; }
}

export function parseInput<K extends MethodName>(name: K, raw: unknown) {
  const result = methods[name].input.safeParse(raw ?? {});
  if (!result.success) throw new InvalidInputError(`Invalid input for ${name}: ${formatIssues(result.error.issues)}`);
  return result.data;
}

export async function invoke(service: Service, name: string, raw: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new UnknownMethodError(name);
  const input = parseInput(name, raw);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (service[name] as (i: any) => Promise<unknown>)(input);
}
