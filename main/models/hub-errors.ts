// What went wrong talking to the model hub, in words a person can act on. Node's fetch only says
// "fetch failed"; the reason (DNS, refused, TLS, timeout, reset) is in its `cause` chain. Failures that
// another try cannot fix soon (no DNS, nothing listening, a bad certificate) end the pull at once
// instead of being retried for half a minute.
import { AppError } from '../../shared/errors';

export interface NetworkFailure {
  /** The system/TLS code, e.g. ENOTFOUND, ECONNREFUSED, CERT_HAS_EXPIRED. */
  code: string;
  /** One phrase: "DNS lookup of huggingface.co failed". */
  what: string;
  /** Worth another try soon (a dropped or stalled connection), as opposed to a setup problem. */
  transient: boolean;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

function causeCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
  }
  return null;
}

/** The network reason of a failed fetch, or null when the error is not a network failure. */
export function networkFailure(err: unknown, url?: string): NetworkFailure | null {
  const code = causeCode(err);
  const host = url ? safeHost(url) : 'the server';
  if (!code) {
    // "fetch failed" without a code (a refused port such as a "bad port"), or a body cut short.
    const msg = (err as Error)?.message ?? '';
    if (/fetch failed/i.test(msg)) return { code: 'FETCH_FAILED', what: `the request to ${host} failed`, transient: false };
    return null;
  }
  if (DNS.has(code)) return { code, what: `DNS lookup of ${host} failed (${code}): no network, or the name does not exist`, transient: false };
  if (UNREACHABLE.has(code)) return { code, what: `nothing answers at ${host} (${code})`, transient: false };
  if (TLS.test(code)) return { code, what: `the secure (TLS) connection to ${host} failed (${code}); a proxy or a wrong certificate can cause this`, transient: false };
  if (TIMEOUT.has(code)) return { code, what: `the connection to ${host} timed out (${code})`, transient: true };
  if (/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) {
    return { code, what: `the connection to ${host} was cut (${code})`, transient: true };
  }
  return null;
}

function safeHost(url: string): string {
  try { return new URL(url).host; } catch { return url; }
}

/** What to do when the hub cannot be used: said once, shown by the CLI and in Settings. */
export const HUB_ADVICE = 'Check the network connection, or set HF_ENDPOINT to a reachable Hugging Face mirror, '
  + 'or import a model folder you already have (smolalbum models import DIR, or Settings ▸ AI model ▸ Import model folder…).';

/** The error a pull ends with when the hub cannot be reached: kind `unavailable`, cause and advice in the message. */
export function hubUnreachable(endpoint: string, failure: NetworkFailure, cause: unknown): AppError {
  const head = failure.transient
    ? `The connection to the model hub at ${endpoint} kept failing: ${failure.what}, and retrying did not help.`
    : `Cannot reach the model hub at ${endpoint}: ${failure.what}.`;
  return new AppError('unavailable', `${head} ${HUB_ADVICE}`, {
    cause, details: { code: failure.code, endpoint },
  });
}

/** The hub answered, but with a server-side failure status after the retries (5xx, 429). */
export function hubFailing(endpoint: string, status: number, what: string, cause: unknown): AppError {
  return new AppError('unavailable', `The model hub at ${endpoint} answered HTTP ${status} (${what}). Try again later. ${HUB_ADVICE}`, {
    cause, details: { status, endpoint },
  });
}
