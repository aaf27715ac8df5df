// What is an item of its own in the timeline and in search results: not a Live Photo's motion clip
// (shown through its still, issue 12) and not the RAW half of a RAW+JPEG pair (shown through its
// JPEG, issue 10). SQL over `photos p`.
import { NOT_PAIRED_RAW } from './raw-pairs';
import { NOT_LIVE_MOTION } from './video/summary';

export const TIMELINE_ITEM = `${NOT_LIVE_MOTION} AND ${NOT_PAIRED_RAW}`;
