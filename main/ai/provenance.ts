// Captions and tags with provenance (ai | xmp | user) and the priority user > xmp > ai.
// Every write refreshes photo_text in the same transaction so search sees it at once.
// Callers wrap these in db.transaction(); each function is also safe on its own.
import type { Db } from '../db/connection';
import { nowIso } from '../db/connection';
import { refreshPhotoText } from '../db/photo-text';
import { sourceRankSql } from '../db/source-rank';
import type { CaptionInfo, Provenance, TagInfo } from '../../shared/types';
import { cachedStatement } from '../db/statements';

/** Trim and collapse inner whitespace; tags compare case-insensitively (tags.name is NOCASE). */
export function normalizeTag(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Distinct, normalized, non-empty tags in their first-seen order. */
export function uniqueTags(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of names) {
    const name = normalizeTag(raw);
    const key = name.toLowerCase();
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

export function tagId(db: Db, name: string): number {
  cachedStatement(db, 'INSERT INTO tags (name) VALUES (?) ON CONFLICT(name) DO NOTHING').run(name);
  return (cachedStatement(db, 'SELECT id FROM tags WHERE name = ?').get(name) as { id: number }).id;
}

export interface AiResult {
  caption: string;
  tags: readonly string[];
  model: string;
  prompt: string | null;
  /** Which backend wrote it ('local' or 'openai') and the endpoint's name ('local' for the local engine). */
  backend?: 'local' | 'openai';
  endpoint?: string;
}

/**
 * Stores an AI caption and tag set for a photo. The ai caption row is upserted (one per photo,
 * so a resumed or repeated job never duplicates it); ai tags are replaced. User and xmp rows are
 * never touched, and tags a person removed (photo_tag_blocks) are not added back.
 */
export function saveAiResult(db: Db, photoId: number, r: AiResult): void {
  const now = nowIso();
  cachedStatement(db, `
    INSERT INTO captions (photo_id, text, source, model, prompt, created_at, backend, endpoint) VALUES (?, ?, 'ai', ?, ?, ?, ?, ?)
    ON CONFLICT(photo_id, source) DO UPDATE SET text = excluded.text, model = excluded.model,
      prompt = excluded.prompt, created_at = excluded.created_at, backend = excluded.backend, endpoint = excluded.endpoint`)
    .run(photoId, r.caption.trim(), r.model, r.prompt, now, r.backend ?? 'local', r.endpoint ?? 'local');
  replaceSourceTags(db, photoId, 'ai', r.tags, r.model, now);
  refreshPhotoText(db, [photoId]);
}

function replaceSourceTags(db: Db, photoId: number, source: 'ai' | 'xmp', names: readonly string[], model: string | null, now: string): void {
  cachedStatement(db, 'DELETE FROM photo_tags WHERE photo_id = ? AND source = ?').run(photoId, source);
  const insert = cachedStatement(db, `
    INSERT INTO photo_tags (photo_id, tag_id, source, confidence, model, created_at)
    SELECT ?, ?, ?, NULL, ?, ? WHERE NOT EXISTS (SELECT 1 FROM photo_tag_blocks WHERE photo_id = ? AND tag_id = ?)
    ON CONFLICT DO NOTHING`);
  for (const name of uniqueTags(names)) {
    const id = tagId(db, source === 'ai' ? name.toLowerCase() : name);
    insert.run(photoId, id, source, model, now, photoId, id);
  }
}

/** Imported XMP/IPTC description and keywords replace the photo's previous xmp rows. */
export function saveXmpMetadata(db: Db, photoId: number, x: { description: string | null; keywords: readonly string[] }): void {
  const now = nowIso();
  const text = x.description?.trim();
  if (text) {
    cachedStatement(db, `
      INSERT INTO captions (photo_id, text, source, model, prompt, created_at) VALUES (?, ?, 'xmp', NULL, NULL, ?)
      ON CONFLICT(photo_id, source) DO UPDATE SET text = excluded.text, created_at = excluded.created_at
      WHERE captions.text IS NOT excluded.text`).run(photoId, text, now);
  } else {
    cachedStatement(db, "DELETE FROM captions WHERE photo_id = ? AND source = 'xmp'").run(photoId);
  }
  replaceSourceTags(db, photoId, 'xmp', x.keywords, null, now);
  refreshPhotoText(db, [photoId]);
}

/** A person's caption; empty text removes it, so the xmp or ai caption shows again. */
export function setUserCaption(db: Db, photoId: number, text: string): void {
  const trimmed = text.trim();
  if (trimmed) {
    cachedStatement(db, `
      INSERT INTO captions (photo_id, text, source, model, prompt, created_at) VALUES (?, ?, 'user', NULL, NULL, ?)
      ON CONFLICT(photo_id, source) DO UPDATE SET text = excluded.text, created_at = excluded.created_at`)
      .run(photoId, trimmed, nowIso());
  } else {
    cachedStatement(db, "DELETE FROM captions WHERE photo_id = ? AND source = 'user'").run(photoId);
  }
  refreshPhotoText(db, [photoId]);
}

export function addUserTags(db: Db, photoId: number, names: readonly string[]): void {
  const now = nowIso();
  for (const name of uniqueTags(names)) {
    const id = tagId(db, name);
    cachedStatement(db, 'DELETE FROM photo_tag_blocks WHERE photo_id = ? AND tag_id = ?').run(photoId, id);
    cachedStatement(db, `INSERT INTO photo_tags (photo_id, tag_id, source, confidence, model, created_at)
      VALUES (?, ?, 'user', NULL, NULL, ?) ON CONFLICT DO NOTHING`).run(photoId, id, now);
  }
  refreshPhotoText(db, [photoId]);
}

/** Removes the tags from the photo whatever their source, and remembers that so AI won't re-add them. */
export function removeTags(db: Db, photoId: number, names: readonly string[]): void {
  const now = nowIso();
  for (const name of uniqueTags(names)) {
    const row = cachedStatement(db, 'SELECT id FROM tags WHERE name = ?').get(name) as { id: number } | undefined;
    if (!row) continue;
    cachedStatement(db, 'DELETE FROM photo_tags WHERE photo_id = ? AND tag_id = ?').run(photoId, row.id);
    cachedStatement(db, 'INSERT INTO photo_tag_blocks (photo_id, tag_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(photoId, row.id, now);
  }
  refreshPhotoText(db, [photoId]);
}

/** All captions of a photo, the effective one (user > xmp > ai) first. */
export function photoCaptions(db: Db, photoId: number): CaptionInfo[] {
  return (cachedStatement(db, `SELECT text, source, model, prompt, created_at AS createdAt FROM captions
    WHERE photo_id = ? ORDER BY ${sourceRankSql('source')}`).all(photoId) as CaptionInfo[]);
}

/** A photo's tags, one per name, with the highest-priority source that holds it; strongest sources first. */
export function photoTags(db: Db, photoId: number): TagInfo[] {
  return cachedStatement(db, `
    SELECT name, source, confidence FROM (
      SELECT t.name, pt.source, pt.confidence,
             row_number() OVER (PARTITION BY t.id ORDER BY ${sourceRankSql('pt.source')}) AS rn
      FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = ?)
    WHERE rn = 1 ORDER BY ${sourceRankSql('source')}, name COLLATE NOCASE`).all(photoId) as { name: string; source: Provenance; confidence: number | null }[];
}
