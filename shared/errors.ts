// The one error model. Every failure a person or a client can meet is an AppError with a kind; each
// adapter maps the kind once (HTTP status, CLI exit code, IPC payload) through the tables below.
// A user's mistake (input, not_found, conflict, …) is answered plainly and never logged as a fault;
// `internal` is the only kind that means "a bug or an unexpected failure".

export const ERROR_KINDS = [
  'input', // the caller sent something invalid (bad value, unknown key, too large, too deep)
  'unauthorized', // no or wrong credentials
  'forbidden', // credentials fine, action not allowed (system folder, path outside the roots)
  'not_found', // the thing named does not exist (photo id, album, file that vanished)
  'conflict', // the request clashes with the current state (duplicate name, already present)
  'too_large', // body, upload or image beyond a documented limit
  'unsupported', // a file or format the app cannot handle
  'busy', // try again later (engine busy, queue full)
  'unavailable', // a dependency is down or unreachable (model hub, inference server, disk)
  'cancelled', // the person stopped it
  'internal', // everything else: a bug, logged with its stack
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const HTTP_STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  busy: 429,
  unavailable: 503,
  cancelled: 499,
  internal: 500,
};

/** CLI exit codes: 1 = a failure of the work itself, 2 = the command was used wrongly. */
export const EXIT_CODE_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  input: 2,
  unauthorized: 1,
  forbidden: 1,
  not_found: 1,
  conflict: 1,
  too_large: 1,
  unsupported: 1,
  busy: 1,
  unavailable: 1,
  cancelled: 130,
  internal: 1,
};

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra machine-readable details (never paths outside the library, never secrets). */
  details?: Record<string, unknown>;
  /** Seconds a client should wait before retrying (busy / unavailable). */
  retryAfterS?: number;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly details?: Record<string, unknown>;
  readonly retryAfterS?: number;
  constructor(kind: ErrorKind, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.kind = kind;
    if (opts.details) this.details = opts.details;
    if (opts.retryAfterS !== undefined) this.retryAfterS = opts.retryAfterS;
  }
  get status(): number { return HTTP_STATUS_OF_KIND[this.kind]; }
}

export function isErrorKind(v: unknown): v is ErrorKind {
  return typeof v === 'string' && (ERROR_KINDS as readonly string[]).includes(v);
}

/** The kind of any thrown value: an AppError's own, else `internal`. */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof AppError) return err.kind;
  const k = (err as { kind?: unknown } | null)?.kind;
  return isErrorKind(k) ? k : 'internal';
}

/** The serialisable form every adapter sends (HTTP body, IPC rejection, CLI --json). */
export interface ErrorPayload { kind: ErrorKind; message: string; retryAfterS?: number }

export function errorPayload(err: unknown): ErrorPayload {
  const kind = kindOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const retry = err instanceof AppError ? err.retryAfterS : undefined;
  return retry === undefined ? { kind, message } : { kind, message, retryAfterS: retry };
}

/** Whether a failure is a fault to log with its stack (not a person's mistake or a stop). */
export function isFault(err: unknown): boolean {
  return kindOf(err) === 'internal';
}
