// The tag record both metadata readers produce: ExifTool's tag names with `-n` (numeric) values, so
// one mapping (metadata.ts) turns either reader's output into a PhotoMeta.
export type RawTags = Record<string, unknown>;
