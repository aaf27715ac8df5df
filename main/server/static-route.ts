// Serves the built renderer (out/renderer). The page itself is public (it must load to read the token
// from its URL); everything it fetches afterwards needs the token.
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './http-util';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** out/renderer, found from the source tree (main/server) or the build (out/cli). */
export function defaultStaticDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, 'out', 'renderer'), path.join(dir, 'renderer')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return path.resolve('out', 'renderer');
}

export function handleStatic(req: IncomingMessage, res: ServerResponse, staticDir: string, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendError(res, 405, 'Not allowed'); return; }
  let rel: string;
  try { rel = decodeURIComponent(pathname); } catch { sendError(res, 400, 'Bad path'); return; }
  if (rel.includes('\0')) { sendError(res, 404, 'Not found'); return; }
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = path.resolve(staticDir);
  const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (file !== root && !file.startsWith(root + path.sep)) { sendError(res, 404, 'Not found'); return; }
  let stat;
  try { stat = statSync(file); } catch { stat = null; }
  if (!stat?.isFile()) {
    sendError(res, 404, rel === '/index.html' ? 'The renderer is not built: run `npm run build`' : 'Not found');
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', stat.size);
  // Vite fingerprints assets; index.html must always be fresh.
  res.setHeader('Cache-Control', rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.method === 'HEAD') { res.end(); return; }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
