// "Possible duplicates": groups of photos whose 64-bit perceptual hashes (photos.phash, hex dHash)
// lie within a small Hamming distance. Candidate pairs come from multi-index hashing: split the
// 64 bits into d+1 chunks; by the pigeonhole principle two hashes within distance d agree exactly
// on at least one chunk, so only photos sharing a chunk value are compared.
import type { Db } from '../db/connection';
import type { DuplicateGroup } from '../../shared/contract/albums';
import { photoSummaries } from './photo-summaries';

interface Hash { hi: number; lo: number }

export function parsePhash(hex: string): Hash | null {
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) return null;
  return { hi: parseInt(hex.slice(0, 8), 16) >>> 0, lo: parseInt(hex.slice(8), 16) >>> 0 };
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export const hamming = (a: Hash, b: Hash): number => popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);

/** Bits [start, start+len) of the 64-bit hash (bit 0 = most significant), as a number. */
function chunk(h: Hash, start: number, len: number): number {
  let v = 0;
  for (let b = start; b < start + len; b++) {
    const bit = b < 32 ? (h.hi >>> (31 - b)) & 1 : (h.lo >>> (63 - b)) & 1;
    v = v * 2 + bit;
  }
  return v;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) { this.parent = Int32Array.from({ length: n }, (_, i) => i); }
  find(i: number): number {
    while (this.parent[i] !== i) { this.parent[i] = this.parent[this.parent[i]!]!; i = this.parent[i]!; }
    return i;
  }
  union(a: number, b: number): void { const ra = this.find(a); const rb = this.find(b); if (ra !== rb) this.parent[rb] = ra; }
}

/**
 * Groups of photo ids (2+ each), linked transitively by pairs within maxDistance, with the largest
 * pairwise distance inside each group.
 */
export function duplicateIdGroups(rows: readonly { id: number; phash: string }[], maxDistance: number): { ids: number[]; distance: number }[] {
  // Identical hashes collapse first: each distinct hash is compared once.
  const byHash = new Map<string, number[]>();
  for (const r of rows) {
    const key = r.phash.toLowerCase();
    if (!parsePhash(key)) continue;
    const list = byHash.get(key);
    if (list) list.push(r.id); else byHash.set(key, [r.id]);
  }
  const keys = [...byHash.keys()];
  const hashes = keys.map((k) => parsePhash(k)!);
  const uf = new UnionFind(keys.length);
  if (maxDistance > 0) {
    const parts = Math.min(maxDistance + 1, 64);
    for (let c = 0; c < parts; c++) {
      const start = Math.floor((c * 64) / parts);
      const len = Math.floor(((c + 1) * 64) / parts) - start;
      const buckets = new Map<number, number[]>();
      hashes.forEach((h, i) => {
        const v = chunk(h, start, len);
        const b = buckets.get(v);
        if (b) b.push(i); else buckets.set(v, [i]);
      });
      for (const members of buckets.values()) {
        for (let x = 0; x < members.length; x++) {
          for (let y = x + 1; y < members.length; y++) {
            const i = members[x]!, j = members[y]!;
            if (uf.find(i) !== uf.find(j) && hamming(hashes[i]!, hashes[j]!) <= maxDistance) uf.union(i, j);
          }
        }
      }
    }
  }
  const groups = new Map<number, number[]>();
  keys.forEach((_, i) => {
    const root = uf.find(i);
    const g = groups.get(root);
    if (g) g.push(i); else groups.set(root, [i]);
  });
  const out: { ids: number[]; distance: number }[] = [];
  for (const members of groups.values()) {
    const ids = members.flatMap((i) => byHash.get(keys[i]!)!);
    if (ids.length < 2) continue;
    let distance = 0;
    if (members.length <= 200) {
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) distance = Math.max(distance, hamming(hashes[members[x]!]!, hashes[members[y]!]!));
      }
    } else {
      // Very large chains: the distance from the first member (a lower bound), not O(n²) pairs.
      for (const m of members) distance = Math.max(distance, hamming(hashes[members[0]!]!, hashes[m]!));
    }
    out.push({ ids: ids.sort((a, b) => a - b), distance });
  }
  return out.sort((a, b) => a.distance - b.distance || b.ids.length - a.ids.length || a.ids[0]! - b.ids[0]!);
}

export function findDuplicates(db: Db, maxDistance: number): DuplicateGroup[] {
  const rows = db.prepare("SELECT id, phash FROM photos WHERE status IN ('ok','damaged') AND phash IS NOT NULL").all() as { id: number; phash: string }[];
  return duplicateIdGroups(rows, maxDistance).map((g) => ({ photos: photoSummaries(db, g.ids), distance: g.distance }));
}
