// POST /api/:method → invoke() (zod validation). Failures are answered by sendFailure (status from the
// error's kind: invalid input 400, unknown method 404, …; faults 500 and logged).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invoke } from '../service/invoke';
import type { Service } from '../../shared/api';
import type { Logger } from '../service/log';
import { readJson, sendError, sendFailure, sendJson } from './http-util';

const MAX_JSON_BYTES = 2 * 1024 * 1024;

export async function handleApi(req: IncomingMessage, res: ServerResponse, service: Service, method: string, log: Logger): Promise<void> {
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
    sendFailure(res, err, log, `api ${method}`);
  }
}
