// The full-text index's rowid is a photo's place in the timeline, not its id: the sort date's second
// (since 1900) in the high bits and the photo id in the low bits. A newest-first page of any word is
// then `ORDER BY rowid DESC LIMIT n` inside FTS5, which stops after n matches however many photos
// share the word; keyed by id it had to collect every match (≈ 100 ms for a common word at a million
// photos, `npm run bench -- library --photos 1000000`) before the date order could cut.
// sort_date is always "YYYY-MM-DDTHH:MM:SS" (main/db/photo-writes.ts), so the key orders exactly as
// PHOTO_ORDER (sort_date DESC, id DESC) does for every valid date.

// Keys pass 2^53: they stay inside SQL (a JS number would round them); cursors carry [sort_date, id].

/** Low bits that hold the photo id: ids up to 2^29 (536 million photos). */
export const KEY_ID_BITS = 29;
const ID_MASK = 2 ** KEY_ID_BITS - 1;
/** Seconds since 1900 fit in 33 bits until the year 2172; the key stays below 2^62. */
const MAX_SECONDS = 2 ** 33 - 1;
/** unixepoch() of 1900-01-01T00:00:00 is -2208988800. */
const SINCE_1900 = 2208988800;

/** SQL: the timeline key of a sort date and a photo id (dates SQLite cannot read sort as the oldest). */
export const timelineKeySql = (sortDate: string, id: string): string =>
  `((max(0, min(${MAX_SECONDS}, coalesce(unixepoch(${sortDate}) + ${SINCE_1900}, 0))) << ${KEY_ID_BITS}) | (${id}))`;

/** SQL: the photo id inside a timeline key (a photos_fts rowid). */
export const photoIdOfKey = (key: string): string => `(${key} & ${ID_MASK})`;
