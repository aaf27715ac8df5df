// PLACEHOLDER — replaced by the captioning area.
import type { AppContext } from '../service/context';
import { chatMethods } from '../../shared/contract/chat';
import { pendingHandlers } from '../service/pending';

const { 'caption.start': a, 'caption.get': b, 'caption.cancel': c, 'caption.edit': d, 'caption.saveTxt': e, 'caption.export': f, 'caption.addToLibrary': g } = chatMethods;

export function captionHandlers(_ctx: AppContext) {
  return pendingHandlers({ 'caption.start': a, 'caption.get': b, 'caption.cancel': c, 'caption.edit': d, 'caption.saveTxt': e, 'caption.export': f, 'caption.addToLibrary': g }, 'captioning');
}
