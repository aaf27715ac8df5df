// Imports descriptions and keywords that already exist — in XMP sidecars (<file>.xmp or <name>.xmp)
// and embedded XMP/IPTC (what the indexer read into photos.xmp_json) — as xmp-source captions/tags.
// Runs for photos whose metadata was (re)read since their last import; idempotent.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AppContext } from '../service/context';
import { nowIso } from '../db/connection';
import { absolutePath } from '../library/repo';
import { readXmpFields, type XmpFields } from '../export/xmp-doc';
import { saveXmpMetadata, uniqueTags } from './provenance';

interface Candidate {
  id: number;
  root_path: string;
  rel_path: string;
  xmp_json: string | null;
  fingerprint: string | null;
  ai_caption: string | null;
  ai_tags: string | null;
}

export interface XmpImportSummary {
  checked: number;
  imported: number;
  errors: { path: string; error: string }[];
}

const BATCH = 500;

/** Sidecar names a photo may have: photo.jpg.xmp (digiKam, darktable) and photo.xmp (Lightroom, exiftool). */
export function sidecarCandidates(photoPath: string): string[] {
  const dot = photoPath.lastIndexOf('.');
  const slash = Math.max(photoPath.lastIndexOf('/'), photoPath.lastIndexOf('\\'));
  const byName = dot > slash + 1 ? `${photoPath.slice(0, dot)}.xmp` : null;
  return byName ? [`${photoPath}.xmp`, byName] : [`${photoPath}.xmp`];
}

async function readSidecar(photoPath: string): Promise<{ file: string; fields: XmpFields } | { file: string; error: string } | null> {
  for (const file of sidecarCandidates(photoPath)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      return { file, error: `cannot read sidecar: ${(err as Error).message}` };
    }
    try {
      return { file, fields: readXmpFields(text) };
    } catch (err) {
      return { file, error: `sidecar is malformed (${(err as Error).message}); ignored` };
    }
  }
  return null;
}

/** Leaf of a hierarchical keyword ("Places/France/Paris" → "Paris"). */
const leaf = (s: string, sep: string) => s.split(sep).map((x) => x.trim()).filter(Boolean).at(-1) ?? '';

export async function importXmpMetadata(ctx: AppContext, opts: { photoIds?: readonly number[] } = {}): Promise<XmpImportSummary> {
  const { db } = ctx;
  const summary: XmpImportSummary = { checked: 0, imported: 0, errors: [] };
  const filter = opts.photoIds ? 'AND p.id IN (SELECT value FROM json_each(?))' : '';
  const candidates = db.prepare(`
    SELECT p.id, r.path AS root_path, p.rel_path, p.xmp_json, x.fingerprint,
           (SELECT text FROM captions c WHERE c.photo_id = p.id AND c.source = 'ai') AS ai_caption,
           (SELECT json_group_array(t.name) FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
             WHERE pt.photo_id = p.id AND pt.source = 'ai') AS ai_tags
    FROM photos p JOIN roots r ON r.id = p.root_id
    JOIN photo_stage m ON m.photo_id = p.id AND m.stage = 'metadata' AND m.done_at IS NOT NULL
    LEFT JOIN xmp_imports x ON x.photo_id = p.id
    WHERE p.status IN ('ok','damaged') AND (x.photo_id IS NULL OR x.imported_at < m.done_at) ${filter}
    ORDER BY p.id`).all(...(opts.photoIds ? [JSON.stringify(opts.photoIds)] : [])) as Candidate[];

  for (let i = 0; i < candidates.length; i += BATCH) {
    const batch = candidates.slice(i, i + BATCH);
    const found = await Promise.all(batch.map(async (c) => ({ c, fields: await collect(c, summary) })));
    db.transaction(() => {
      const now = nowIso();
      for (const { c, fields } of found) {
        summary.checked++;
        const fingerprint = createHash('sha1').update(JSON.stringify(fields)).digest('hex');
        if (fingerprint !== c.fingerprint) {
          saveXmpMetadata(db, c.id, fields);
          if (fields.description || fields.keywords.length || c.fingerprint) summary.imported++;
        }
        db.prepare(`INSERT INTO xmp_imports (photo_id, fingerprint, imported_at) VALUES (?, ?, ?)
          ON CONFLICT(photo_id) DO UPDATE SET fingerprint = excluded.fingerprint, imported_at = excluded.imported_at`)
          .run(c.id, fingerprint, now);
      }
    })();
  }
  return summary;
}

/**
 * The photo's description and keywords: a sidecar wins over embedded text (it holds later edits),
 * keywords are the union. Text equal to our own AI output (a sidecar SmolAlbum exported) is not
 * re-imported, so AI captions never turn into xmp ones that a re-run could no longer replace.
 */
async function collect(c: Candidate, summary: XmpImportSummary): Promise<{ description: string | null; keywords: string[] }> {
  let embedded: { description?: unknown; keywords?: unknown } = {};
  try { embedded = c.xmp_json ? (JSON.parse(c.xmp_json) as typeof embedded) : {}; } catch { /* unreadable: nothing embedded */ }
  const photoPath = absolutePath(c.root_path, c.rel_path);
  const sidecar = await readSidecar(photoPath);
  let sideDescription: string | null = null;
  let sideKeywords: string[] = [];
  if (sidecar && 'error' in sidecar) summary.errors.push({ path: sidecar.file, error: sidecar.error });
  else if (sidecar) {
    const f = sidecar.fields;
    sideDescription = f.description;
    sideKeywords = f.subjects.length ? f.subjects : [...f.tagsList.map((t) => leaf(t, '/')), ...f.hierarchical.map((t) => leaf(t, '|'))];
  }
  const embeddedDescription = typeof embedded.description === 'string' ? embedded.description : null;
  const embeddedKeywords = Array.isArray(embedded.keywords) ? embedded.keywords.filter((k): k is string => typeof k === 'string') : [];
  const aiTags = new Set((JSON.parse(c.ai_tags ?? '[]') as string[]).map((t) => t.toLowerCase()));
  let description = (sideDescription ?? embeddedDescription)?.trim() || null;
  if (description && c.ai_caption && description === c.ai_caption.trim()) description = null;
  const keywords = uniqueTags([...sideKeywords, ...embeddedKeywords]).filter((k) => !aiTags.has(k.toLowerCase()));
  return { description, keywords };
}
