// Event names at run time, for code that must not load the contract's schemas (the sandboxed preload
// bundles everything it imports; shared/api.ts would bring zod). The Events map itself is in
// shared/api.ts; this record is typed by it, so a name missing here or unknown there fails to compile.
import type { EventName } from './api';

const EVENTS: Readonly<Record<EventName, true>> = {
  'library.progress': true, 'library.changed': true, 'ai.status': true, 'engine.status': true, 'models.download': true,
  'chat.token': true, 'chat.done': true, 'caption.item': true, 'albums.changed': true, 'video.preview': true,
};

export const eventNames = Object.keys(EVENTS) as EventName[];
