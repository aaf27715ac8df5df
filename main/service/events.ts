// Typed in-process event bus: the service emits, adapters (IPC, WebSocket, CLI) forward.
import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../shared/api';

export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Every event, for adapters that forward all of them. */
  onAny(listener: <K extends EventName>(name: K, payload: Events[K]) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
