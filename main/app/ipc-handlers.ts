// IPC binding generated from the contract: one handler per method in shared/api.ts `methods`, each
// checking the sender frame (VS Code's validatedIpcMain rule) and then going through invoke() (zod
// validation) before the service runs. Takes ipcMain as a parameter, so Node tests drive it directly.
import { methodNames, type EventName, type Events, type MethodName, type Service } from '../../shared/api';
import { invoke } from '../service/invoke';
import type { EventBus } from '../service/events';
import { EVENT_CHANNEL, methodChannel, type IpcResult } from '../../preload/channels';
import { assertTrustedSender, type SenderFrameLike } from './security';

/** The part of Electron's IpcMainInvokeEvent the handlers read. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}
export type IpcHandler = (event: InvokeEventLike, input: unknown) => Promise<IpcResult>;

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export function toIpcError(err: unknown): Extract<IpcResult, { ok: false }>['error'] {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return { name: err.name, message: err.message, ...(typeof status === 'number' ? { status } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

/** Wraps a call so it runs only for a trusted sender, and never rejects (errors become data). */
export function guarded<T>(fn: (input: unknown) => Promise<T>, log?: (msg: string) => void): (event: InvokeEventLike, input: unknown) => Promise<IpcResult<T>> {
  return async (event, input) => {
    try {
      assertTrustedSender(event.senderFrame);
      return { ok: true, value: await fn(input) };
    } catch (err) {
      const error = toIpcError(err);
      if (error.status === 403 || error.status === undefined) log?.(`ipc: ${error.name}: ${error.message}`);
      return { ok: false, error };
    }
  };
}

export function createMethodHandler(service: Service, name: MethodName, log?: (msg: string) => void): IpcHandler {
  return guarded((input) => invoke(service, name, input), log);
}

/** Registers one ipcMain.handle per contract method; returns a function that removes them all. */
export function registerMethodHandlers(ipcMain: IpcMainLike, service: Service, log?: (msg: string) => void): () => void {
  const channels = methodNames.map((name) => {
    const channel = methodChannel(name);
    const handler = createMethodHandler(service, name, log);
    ipcMain.handle(channel, (event, input) => handler(event, input));
    return channel;
  });
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}

/** Forwards every service event to the window on one typed channel: (name, payload). */
export function forwardEvents(
  bus: EventBus,
  send: <K extends EventName>(channel: typeof EVENT_CHANNEL, name: K, payload: Events[K]) => void,
): () => void {
  return bus.onAny((name, payload) => send(EVENT_CHANNEL, name, payload));
}
