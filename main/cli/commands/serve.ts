// `smolalbum serve`: web mode. Serves the built renderer and the contract over HTTP + WebSocket on
// 127.0.0.1 with a random access token, until Ctrl-C.
import type { CliCommand } from '../types';
import { isLoopback, startServer } from '../../server/server';
import { startLibraryServices } from '../../service/launch';
import { apiKeyOf, servedModelId } from '../../server/openai-api';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run SmolAlbum in the browser (web mode)',
  usage: 'serve [--port N|0] [--host H] [--model M] [--no-scan] [--no-ai] [--api [--api-allow-remote-images]]',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    model: { type: 'string' },
    'no-scan': { type: 'boolean', default: false },
    'no-ai': { type: 'boolean', default: false },
    api: { type: 'boolean', default: false },
    'api-allow-remote-images': { type: 'boolean', default: false },
  },
  async run({ values }, io) {
    const portText = typeof values.port === 'string' ? values.port : '8787';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      io.log(`Invalid --port "${portText}": expected a number from 0 to 65535 (0 picks a free port).`);
      return 2;
    }
    const host = typeof values.host === 'string' && values.host ? values.host : '127.0.0.1';
    const ctx = io.ctx();
    const service = io.service();
    if (typeof values.model === 'string') {
      // The engine starts lazily; configuring only records the choice (errors are shown, not fatal).
      await service['engine.configure']({ model: values.model }).catch((err: Error) => io.log(`Could not select model ${values.model}: ${err.message}`));
    }
    let server;
    try {
      const api = values.api === true ? { key: apiKeyOf(ctx), images: { allowRemoteImages: values['api-allow-remote-images'] === true } } : undefined;
      server = await startServer({ ctx, service, host, port, api });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') { io.log(`Port ${port} on ${host} is in use: pick another with --port N (or --port 0 for any free port).`); return 1; }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') { io.log(`Cannot listen on ${host}: no such address on this machine.`); return 1; }
      throw err;
    }
    // New and changed files arrive by themselves while the page is open; a startup scan catches
    // what changed while SmolAlbum was not running; photos are captioned in the background.
    const services = startLibraryServices(ctx, { scan: values['no-scan'] !== true, ai: values['no-ai'] !== true, log: io.log });
    if (!isLoopback(host)) {
      io.log(`Warning: SmolAlbum is listening on ${host}, reachable from other machines. Anyone with the token can read your library.`);
    }
    const apiBase = values.api === true ? `${server.url}v1` : null;
    if (io.json) io.printJson({ url: server.openUrl, host: server.host, port: server.port, token: server.token, ...(apiBase ? { api: { baseUrl: apiBase, key: apiKeyOf(ctx) } } : {}) });
    else {
      io.print(`SmolAlbum is running at ${server.openUrl}`);
      if (apiBase) io.print(`OpenAI-compatible API at ${apiBase} (model ${servedModelId(ctx)}), key: ${apiKeyOf(ctx)}`);
    }
    await io.interrupted;
    io.log('Stopping…');
    await server.close();
    await services.close();
  },
};
