// The renderer's batched thumbnails (renderer/src/api/thumb-store.ts) under Node, with a batch function
// that records its calls: one request for the tiles of one render, nothing for tiles already gone,
// per-id URLs for what a batch lacks, swaps after library.changed, a bounded cache.
import { describe, expect, it, vi } from 'vitest';
import { ThumbStore } from '../../renderer/src/api/thumb-store';

const tick = () => new Promise((r) => setTimeout(r, 5));
const perId = (id: number) => `thumb/${id}`;

/** A batch that answers every id except `missing`, and records the ids of each call. */
function recorder(missing: number[] = []) {
  const calls: number[][] = [];
  let version = 0;
  const batch = async (ids: number[]) => {
    calls.push(ids);
    version++;
    return new Map(ids.filter((id) => !missing.includes(id)).map((id) => [id, `data:image/webp,${id}v${version}`]));
  };
  return { calls, batch };
}

describe('thumbnail store', () => {
  it('asks for the ids subscribed in one task in one request, and shows the URLs it answers', async () => {
    const { calls, batch } = recorder();
    const store = new ThumbStore(batch, perId);
    const seen: number[] = [];
    for (const id of [5, 3, 9]) store.subscribe(id, () => seen.push(id));
    expect(store.get(5)).toBeNull();
    await tick();
    expect(calls).toEqual([[5, 3, 9]]);
    expect(seen.sort()).toEqual([3, 5, 9]);
    expect(store.get(3)).toBe('data:image/webp,3v1');
    // Shown again later: from the cache, no request.
    store.subscribe(3, () => {});
    await tick();
    expect(calls).toHaveLength(1);
  });

  it('does not fetch a tile that left before its request went out (a new search replaced the grid)', async () => {
    const { calls, batch } = recorder();
    const store = new ThumbStore(batch, perId);
    const offs = [1, 2, 3].map((id) => store.subscribe(id, () => {}));
    offs[0]!(); offs[2]!();
    store.subscribe(4, () => {});
    await tick();
    expect(calls).toEqual([[2, 4]]);
  });

  it('splits many ids into requests of at most 100, two at a time', async () => {
    const calls: number[][] = [];
    let open = 0;
    let most = 0;
    const store = new ThumbStore(async (ids) => {
      calls.push(ids);
      most = Math.max(most, ++open);
      await tick();
      open--;
      return new Map(ids.map((id) => [id, `data:,${id}`]));
    }, perId);
    for (let id = 1; id <= 250; id++) store.subscribe(id, () => {});
    await vi.waitFor(() => expect(calls.flat()).toHaveLength(250));
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(most).toBe(2);
  });

  it('falls back to the per-id URL for an id the batch lacks and for a failed request', async () => {
    const { batch } = recorder([7]);
    const store = new ThumbStore(batch, perId);
    store.subscribe(7, () => {});
    store.subscribe(8, () => {});
    await tick();
    expect(store.get(7)).toBe('thumb/7');
    expect(store.get(8)).toBe('data:image/webp,8v1');

    const failing = new ThumbStore(async () => { throw new Error('offline'); }, perId);
    failing.subscribe(1, () => {});
    await tick();
    expect(failing.get(1)).toBe('thumb/1');
  });

  it('after library.changed, fetches a shown thumbnail again and swaps it in; forgets one not shown', async () => {
    const { calls, batch } = recorder();
    const store = new ThumbStore(batch, perId);
    const offB = store.subscribe(2, () => {});
    store.subscribe(1, () => {});
    await tick();
    offB();
    store.invalidate([1, 2]);
    // Until the new one arrives, the old picture stays (no blank tile).
    expect(store.get(1)).toBe('data:image/webp,1v1');
    expect(store.get(2)).toBeNull();
    await tick();
    expect(calls).toEqual([[2, 1], [1]]);
    expect(store.get(1)).toBe('data:image/webp,1v2');
  });

  it('keeps at most `keep` URLs of tiles no longer shown', async () => {
    const { batch } = recorder();
    const store = new ThumbStore(batch, perId, 10);
    const shown = store.subscribe(1, () => {});
    const offs = Array.from({ length: 29 }, (_, i) => store.subscribe(i + 2, () => {}));
    await tick();
    for (const off of offs) off();
    store.subscribe(100, () => {});
    await tick();
    // 31 URLs, 10 kept: the 21 oldest not shown go (2–22); 1 is the oldest but still shown.
    expect(store.get(1)).toBe('data:image/webp,1v1');
    for (let id = 2; id <= 22; id++) expect(store.get(id)).toBeNull();
    for (let id = 23; id <= 30; id++) expect(store.get(id)).toBe(`data:image/webp,${id}v1`);
    expect(store.get(100)).toBe('data:image/webp,100v2');
    shown();
  });
});
