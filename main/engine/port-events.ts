// The listener side every EnginePort shares (main/engine/node-port.ts, main/app/utility-port.ts):
// messages fan out in order, and the exit is reported exactly once — also to a listener that
// subscribes after the process is already gone.
import type { EngineExit } from './port';
import type { EngineMessage } from './protocol';

export class PortEvents {
  private readonly messageListeners: ((m: EngineMessage) => void)[] = [];
  private readonly exitListeners: ((e: EngineExit) => void)[] = [];
  private exitInfo: EngineExit | null = null;

  get exited(): boolean { return this.exitInfo !== null; }

  message(m: EngineMessage): void {
    for (const l of this.messageListeners) l(m);
  }

  exit(e: EngineExit): void {
    if (this.exitInfo) return;
    this.exitInfo = e;
    for (const l of this.exitListeners) l(e);
  }

  onMessage(l: (m: EngineMessage) => void): void { this.messageListeners.push(l); }

  onExit(l: (e: EngineExit) => void): void {
    if (this.exitInfo) l(this.exitInfo);
    else this.exitListeners.push(l);
  }
}

