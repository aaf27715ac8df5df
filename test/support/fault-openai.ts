// A fault-injecting OpenAI-compatible server on 127.0.0.1 — the stand-in for a remote vLLM /
// llama-server that cannot run here. It honours the contract SmolAlbum relies on (GET /v1/models,
// POST /v1/chat/completions with image_url data URLs, Bearer auth, usage, OpenAI-shaped errors) and
// answers deterministically from the image it was sent, so a caption can be traced to its photo.
// Faults are scheduled per request: 500, 429 + Retry-After, slow, connection dropped mid-answer,
// malformed JSON, wrong model (404), and the whole server down then up (stop() / start()).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'ok' | '500' | '429' | 'slow' | 'drop' | 'malformed' | 'wrong-model';

export interface FaultServerOptions {
  model?: string;
  key?: string | null;
  /** Fault of the n-th chat request (0-based); default 'ok'. */
  schedule?: (n: number) => Fault;
  /** Delay of every answer (ms). */
  delayMs?: number;
  /** Delay of a 'slow' answer (ms). */
  slowMs?: number;
  retryAfterS?: number;
}

/** The answer the server gives for an image: "Photo <8 hex of the image's sha256>." */
export function answerFor(imageUrl: string, tags: boolean): string {
  const h = createHash('sha256').update(imageUrl).digest('hex').slice(0, 8);
  return tags ? `remote, p${h}` : `Photo ${h} on a remote server.`;
}

export class FaultServer {
  private server: http.Server | null = null;
  port = 0;
  chats = 0;
  readonly faults: Record<Fault, number> = { ok: 0, '500': 0, '429': 0, slow: 0, drop: 0, malformed: 0, 'wrong-model': 0 };
  /** Authorization headers seen (to check which key was sent). */
  readonly authHeaders = new Set<string>();
  private readonly model: string;

  constructor(private readonly opts: FaultServerOptions = {}) {
    this.model = opts.model ?? 'smolvlm-remote';
  }

  get baseUrl(): string { return `http://127.0.0.1:${this.port}/v1`; }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(this.port, '127.0.0.1', () => resolve()); });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization) this.authHeaders.add(req.headers.authorization);
    if (this.opts.key && req.headers.authorization !== `Bearer ${this.opts.key}`) {
      this.send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      return;
    }
    if (req.url === '/v1/models' && req.method === 'GET') {
      this.send(res, 200, { object: 'list', data: [{ id: this.model, object: 'model', created: 0, owned_by: 'test' }] });
      return;
    }
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') { this.send(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } }); return; }
    const n = this.chats++;
    const fault = this.opts.schedule?.(n) ?? 'ok';
    this.faults[fault]++;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[] };
    if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    switch (fault) {
      case '500': this.send(res, 500, { error: { message: 'CUDA out of memory', type: 'server_error', param: null, code: null } }); return;
      case '429': this.send(res, 429, { error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: null } }, { 'Retry-After': String(this.opts.retryAfterS ?? 1) }); return;
      case 'wrong-model': this.send(res, 404, { error: { message: `The model \`${body.model}\` does not exist.`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }); return;
      case 'malformed': res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"id": "x", "choices": [{"message": {"content": "Photo'); return;
      case 'drop': res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' }); res.write('{"id": "chatcmpl-1", "object": "chat.completion", '); setTimeout(() => res.socket?.destroy(), 10); return;
      case 'slow': await new Promise((r) => setTimeout(r, this.opts.slowMs ?? 5000)); if (res.destroyed) return; break;
      default: break;
    }
    if (body.model !== this.model) { this.send(res, 404, { error: { message: `The model \`${body.model}\` does not exist.`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }); return; }
    const first = body.messages[0];
    const image = Array.isArray(first.content) ? first.content.find((p) => p.type === 'image_url')?.image_url?.url ?? '' : '';
    const text = answerFor(image, body.messages.length > 1);
    if (!res.destroyed) this.send(res, 200, {
      id: `chatcmpl-${n}`, object: 'chat.completion', created: 0, model: this.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 80, completion_tokens: 8, total_tokens: 88 },
    });
  }
}
