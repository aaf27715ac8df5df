// How the one contract is declared: each method is a zod input schema plus a phantom output type.
// Adapters (IPC, HTTP/WebSocket, CLI) and the renderer client are all typed from these maps.
import type { z } from 'zod';

export interface MethodDef<I extends z.ZodType, O> {
  readonly input: I;
  /** Phantom: carries the output type, never read at run time. */
  readonly output?: O;
}

/** `method<Output>()(inputSchema)` — curried so the output type can be given explicitly. */
export const method =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ input });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethods = Record<string, MethodDef<z.ZodType, any>>;

export type InputOf<M> = M extends MethodDef<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<M> = M extends MethodDef<infer I, unknown> ? z.output<I> : never;
export type OutputOf<M> = M extends MethodDef<z.ZodType, infer O> ? O : never;
