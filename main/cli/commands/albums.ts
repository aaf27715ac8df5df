// Album commands: albums list | create NAME [--rule JSON] | show NAME | add NAME PATHS... | rm NAME,
// and duplicates.
import type { CliCommand, CliIo } from '../types';
import { invoke } from '../../service/invoke';
import type { Album, DuplicateGroup } from '../../../shared/contract/albums';
import type { PhotoSummary } from '../../../shared/types';
import { parseRule } from '../../albums/rule-sql';
import { findAlbumByName } from '../../albums/album-repo';
import { autoAlbumRule } from '../../albums/album-filter';
import { photoIdsForPaths } from '../../albums/path-lookup';
import { AppError } from '../../../shared/errors';

const USAGE = 'albums list | create NAME [--rule JSON] | show NAME | add NAME PATHS... | rm NAME';

/** An album by name (stored), auto key ("tag:beach", "year:2024", "month:2024-07") or #id. */
function albumRef(io: CliIo, name: string): number | string {
  const row = findAlbumByName(io.ctx().db, name);
  if (row) return row.id;
  if (autoAlbumRule(name)) return name;
  const id = /^#?(\d+)$/.exec(name);
  if (id) return Number(id[1]);
  throw new AppError('not_found', `No album named "${name}" (see \`smolalbum albums list\`)`);
}

function storedId(io: CliIo, name: string): number {
  const ref = albumRef(io, name);
  if (typeof ref !== 'number') throw new AppError('input', `"${name}" is an automatic album; it cannot be changed`);
  return ref;
}

/** "10000+" when the count stopped at the cap (shared/types.ts COUNT_CAP). */
const photoCount = (a: Album) => `${a.count}${a.countCapped ? '+' : ''}`;
const describe = (a: Album) => `${String(a.id).padEnd(16)} ${a.kind.padEnd(6)} ${photoCount(a).padStart(6)}  ${a.name}`;

async function allPhotos(io: CliIo, id: number | string): Promise<PhotoSummary[]> {
  const out: PhotoSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = (await invoke(io.service(), 'albums.photos', { id, limit: 1000, cursor })) as { items: PhotoSummary[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export const albumsCommand: CliCommand = {
  name: 'albums',
  summary: 'Manual and smart albums (rules are JSON, e.g. {"op":"and","items":[{"kind":"tag","op":"is","value":"beach"}]})',
  usage: USAGE,
  options: { rule: { type: 'string' }, auto: { type: 'boolean', default: false } },
  async run({ positionals, values }, io) {
    const [sub, name, ...rest] = positionals;
    const service = io.service();
    switch (sub) {
      case 'list': {
        const albums = (await invoke(service, 'albums.list', { includeAuto: values.auto === true })) as Album[];
        if (io.json) io.printJson(albums);
        else if (!albums.length) io.print('No albums yet. Create one with `smolalbum albums create NAME [--rule JSON]`.');
        else for (const a of albums) io.print(describe(a));
        return 0;
      }
      case 'create': {
        if (!name) break;
        const rule = typeof values.rule === 'string' ? parseRule(values.rule) : undefined;
        const album = (await invoke(service, 'albums.create', { name, rule })) as Album;
        if (io.json) io.printJson(album);
        else io.print(`Created ${album.kind} album "${album.name}" (${photoCount(album)} photos)`);
        return 0;
      }
      case 'show': {
        if (!name) break;
        const id = albumRef(io, name);
        const album = (await invoke(service, 'albums.get', { id })) as Album;
        const photos = await allPhotos(io, id);
        if (io.json) io.printJson({ ...album, photos });
        else {
          io.print(`${album.name} — ${album.kind}, ${photoCount(album)} photos${album.rule ? `\nrule: ${JSON.stringify(album.rule)}` : ''}`);
          for (const p of photos) io.print(`  ${p.path}${p.caption ? `  — ${p.caption}` : ''}`);
        }
        return 0;
      }
      case 'add': {
        if (!name || !rest.length) break;
        const id = storedId(io, name);
        const { ids, missing } = photoIdsForPaths(io.ctx().db, rest);
        for (const m of missing) io.log(`Not in the library: ${m}`);
        if (!ids.length) return 1;
        const album = (await invoke(service, 'albums.addPhotos', { id, photoIds: ids })) as Album;
        if (io.json) io.printJson({ ...album, added: ids.length, missing });
        else io.print(`"${album.name}" now has ${photoCount(album)} photos`);
        return missing.length ? 1 : 0;
      }
      case 'rm': {
        if (!name) break;
        const id = storedId(io, name);
        const result = await invoke(service, 'albums.remove', { id });
        if (io.json) io.printJson(result);
        else io.print(`Removed album "${name}" (the photos stay in the library)`);
        return 0;
      }
    }
    io.log(`Usage: smolalbum ${USAGE}`);
    return 2;
  },
};

export const duplicatesCommand: CliCommand = {
  name: 'duplicates',
  summary: 'Groups of possibly duplicate photos (perceptual hashes within a small distance)',
  usage: 'duplicates [--max-distance N]',
  options: { 'max-distance': { type: 'string' } },
  async run({ values }, io) {
    const raw = values['max-distance'];
    const maxDistance = typeof raw === 'string' ? Number(raw) : undefined;
    if (typeof raw === 'string' && !/^\d+$/.test(raw)) { io.log(`Invalid --max-distance "${raw}": expected a number from 0 to 16`); return 2; }
    const groups = (await invoke(io.service(), 'photos.duplicates', { maxDistance })) as DuplicateGroup[];
    if (io.json) io.printJson(groups);
    else if (!groups.length) io.print('No possible duplicates found.');
    else {
      for (const g of groups) {
        io.print(`${g.photos.length} photos, distance ≤ ${g.distance}:`);
        for (const p of g.photos) io.print(`  ${p.path}`);
      }
    }
    return 0;
  },
};
