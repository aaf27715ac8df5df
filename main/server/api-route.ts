// POST /api/:method → invoke() (zod validation). Errors map to statuses the client can show:
// invalid input 400 (with the zod message), unknown method 404, errors carrying `status` keep it, else 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invoke } from '../service/invoke';
import type { Service } from '../../shared/api';
import { HttpError, readJson, sendError, sendJson } from './http-util';

const MAX_JSON_BYTES = 2 * 1024 * 1024;

export function statusOf(err: unknown): number {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, service: Service, method: string, log: (line: string) => void): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendError(res, 405, 'API methods are called with POST');
    return;
  }
  try {
    const input = await readJson(req, MAX_JSON_BYTES);
    const output = await invoke(service, method, input);
    sendJson(res, 200, output === undefined ? null : output);
  } catch (err) {
    const status = err instanceof HttpError ? err.status : statusOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 500) log(`api ${method}: ${err instanceof Error ? err.stack ?? message : message}`);
    sendError(res, status, message);
  }
}
