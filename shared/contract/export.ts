// Export of captions/tags to sidecars and tables; originals are never written.
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';

export interface ExportSummary {
  written: number;
  skipped: number;
  errors: { path: string; error: string }[];
  files: string[];
}

export const exportMethods = {
  'export.run': method<ExportSummary>()(z.object({
    kind: z.enum(['xmp', 'txt', 'csv', 'jsonl']),
    /** Output file for csv/jsonl; mirror folder for xmp/txt (optional). */
    out: z.string().min(1).optional(),
    txtFormat: z.enum(['caption', 'tags', 'tags, caption']).default('caption'),
    overwrite: z.boolean().default(false),
    photoIds: z.array(photoId).optional(),
  }).strict().refine((x) => !(x.kind === 'csv' || x.kind === 'jsonl') || !!x.out, 'csv and jsonl export need an output file (out)')),
};
