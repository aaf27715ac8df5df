// PLACEHOLDER — replaced by the chat area.
import type { AppContext } from '../service/context';
import { chatMethods } from '../../shared/contract/chat';
import { pendingHandlers } from '../service/pending';

const { 'caption.start': _a, 'caption.get': _b, 'caption.cancel': _c, 'caption.edit': _d, 'caption.saveTxt': _e, 'caption.export': _f, 'caption.addToLibrary': _g, ...chatOnly } = chatMethods;

export function chatHandlers(_ctx: AppContext) {
  return pendingHandlers(chatOnly, 'chat');
}
