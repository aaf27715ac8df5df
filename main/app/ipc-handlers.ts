// IPC binding generated from the contract: one handler per method in shared/api.ts `methods`, each
// checking the sender frame (VS Code's validatedIpcMain rule) and then going through invoke() (zod
// validation) before the service runs. Takes ipcMain as a parameter, so Node tests drive it directly.
import { methodNames, type EventName, type Events, type MethodName, type Service } from '../../shared/api';
import { invoke } from '../service/invoke';
import type { EventBus } from '../service/events';
import { EVENT_CHANNEL, METHOD_NAMES_CHANNEL, methodChannel, type IpcResult } from '../../preload/channels';
import { assertTrustedSender, type SenderFrameLike } from './security';
import { errorPayload, HTTP_STATUS_OF_KIND, kindOf } from '../../shared/errors';

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

/** The IPC adapter's one mapping of an error: its payload (kind, message) and the kind's status. */
export function toIpcError(err: unknown): Extract<IpcResult, { ok: false }>['error'] {
  const payload = errorPayload(err);
  return { ...payload, status: HTTP_STATUS_OF_KIND[payload.kind] };
}

/**
 * Wraps a call so it runs only for a trusted sender, and never rejects (errors become data). Logged:
 * faults with their stack, and refused senders; a person's mistakes are only answered.
 */
export function guarded<T>(fn: (input: unknown) => Promise<T>, log?: (msg: string) => void): (event: InvokeEventLike, input: unknown) => Promise<IpcResult<T>> {
  return async (event, input) => {
    try {
      assertTrustedSender(event.senderFrame);
      return { ok: true, value: await fn(input) };
    } catch (err) {
      const kind = kindOf(err);
      if (kind === 'internal' || kind === 'forbidden') log?.(`ipc: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return { ok: false, error: toIpcError(err) };
    }
  };
}

export function createMethodHandler(service: Service, name: MethodName, log?: (msg: string) => void): IpcHandler {
  return guarded((input) => invoke(service, name, input), log);
}

/**
 * Registers one ipcMain.handle per contract method, and the list of their names for the preload;
 * returns a function that removes them all.
 */
export function registerMethodHandlers(ipcMain: IpcMainLike, service: Service, log?: (msg: string) => void): () => void {
  const channels = methodNames.map((name) => {
    const channel = methodChannel(name);
    const handler = createMethodHandler(service, name, log);
    ipcMain.handle(channel, (event, input) => handler(event, input));
    return channel;
  });
  const names = guarded(async () => [...methodNames], log);
  ipcMain.handle(METHOD_NAMES_CHANNEL, (event) => names(event, undefined));
  channels.push(METHOD_NAMES_CHANNEL);
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}

/** Forwards every service event to the window on one typed channel: (name, payload). */
export function forwardEvents(
  bus: EventBus,
  send: <K extends EventName>(channel: typeof EVENT_CHANNEL, name: K, payload: Events[K]) => void,
): () => void {
  return bus.onAny((name, payload) => send(EVENT_CHANNEL, name, payload));
}
