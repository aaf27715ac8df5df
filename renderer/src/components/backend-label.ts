// One inference backend in the status bar: its name, captions per second over the last minute, and
// its state when it is not taking work. Pure: unit-tested under Node.
import type { BackendStatus } from '../../../shared/contract/engines';

export function backendLabel(b: BackendStatus, stateText: (state: BackendStatus['state']) => string): string {
  const rate = b.perSecond >= 10 ? b.perSecond.toFixed(0) : b.perSecond.toFixed(1);
  const parts = [`${b.name}: ${rate}/s`];
  if (b.inflight > 0) parts.push(`${b.inflight}/${b.concurrency}`);
  if (b.state !== 'ok') parts.push(stateText(b.state));
  return parts.join(' · ');
}
