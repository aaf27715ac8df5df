// WebSocket /events: forwards every service event as `{"event": name, "payload": …}`.
// The upgrade is refused unless the token matches (401) and the Origin is this server's own (403).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { EventBus } from '../service/events';
import { originAllowed, requestToken, tokenMatches } from './auth';

export interface EventsSocket {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export function createEventsSocket(events: EventBus, token: string): EventsSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const unsubscribe = events.onAny((event, payload) => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify({ event, payload });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  });
  // Clients only listen; anything they send is ignored (ping/pong is handled by ws).
  wss.on('connection', (ws) => { ws.on('error', () => ws.terminate()); });

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/events') return refuse(socket, 404, 'Not Found');
      if (!tokenMatches(requestToken(req, url, { inUrl: true }), token)) return refuse(socket, 401, 'Unauthorized');
      if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(socket, 403, 'Forbidden');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
