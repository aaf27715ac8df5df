// The message tree without a model: paths, siblings, branch leaves, interrupted answers, titles, settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../main/db/connection';
import { ChatRepo } from '../../main/chat/repo';
import { DEFAULT_CHAT_SETTINGS, mergeSettings, parseSettings } from '../../main/chat/settings';
import { titleFromQuestion } from '../../main/chat/title';
import { tempDir } from './fixtures';
import path from 'node:path';

let db: Db;
let cleanup: () => Promise<void>;
let repo: ChatRepo;

beforeEach(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  db = openDb(path.join(t.dir, 'lib.sqlite'));
  repo = new ChatRepo(db);
});
afterEach(async () => { db.close(); await cleanup(); });

const done = (text: string) => ({ text, attachments: [], status: 'done' as const });

describe('message tree', () => {
  it('follows parents from the head and lists siblings for branch switching', () => {
    const c = repo.createConversation('New chat', DEFAULT_CHAT_SETTINGS);
    const u1 = repo.insertMessage(c.id, null, 'user', done('q1'));
    const a1 = repo.insertMessage(c.id, u1, 'assistant', done('a1'));
    const a1b = repo.insertMessage(c.id, u1, 'assistant', done('a1 again'));
    const u2 = repo.insertMessage(c.id, a1, 'user', done('q2'));
    const a2 = repo.insertMessage(c.id, u2, 'assistant', done('a2'));

    expect(repo.pathTo(a2).map((m) => m.text)).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(repo.pathTo(a1b).map((m) => m.text)).toEqual(['q1', 'a1 again']);
    const a1msg = repo.pathTo(a2)[1]!;
    expect(a1msg.siblingIds).toEqual([a1, a1b]);
    expect(repo.pathTo(a2)[0]!.siblingIds).toEqual([u1]);
    // Switching to the first answer shows its newest descendant; a leaf is its own leaf.
    expect(repo.latestLeaf(a1)).toBe(a2);
    expect(repo.latestLeaf(a1b)).toBe(a1b);
    expect(repo.latestLeaf(u1)).toBe(a1b);
  });

  it('keeps root-level edits as siblings with a null parent', () => {
    const c = repo.createConversation('t', DEFAULT_CHAT_SETTINGS);
    const other = repo.createConversation('other', DEFAULT_CHAT_SETTINGS);
    const u1 = repo.insertMessage(c.id, null, 'user', done('first'));
    const u1b = repo.insertMessage(c.id, null, 'user', done('first, edited'));
    repo.insertMessage(other.id, null, 'user', done('elsewhere'));
    expect(repo.message(u1b).siblingIds).toEqual([u1, u1b]);
  });

  it('marks answers left streaming by a dead process as failed, keeping their text', () => {
    const c = repo.createConversation('t', DEFAULT_CHAT_SETTINGS);
    const u = repo.insertMessage(c.id, null, 'user', done('q'));
    const a = repo.insertMessage(c.id, u, 'assistant', { text: 'half an ans', attachments: [], status: 'streaming' });
    expect(repo.failInterrupted('closed')).toBe(1);
    const m = repo.message(a);
    expect(m.status).toBe('error');
    expect(m.error).toBe('closed');
    expect(m.text).toBe('half an ans');
    expect(repo.failInterrupted('closed')).toBe(0);
  });

  it('deleting a conversation removes its messages and frees its attachments', () => {
    const c = repo.createConversation('t', DEFAULT_CHAT_SETTINGS);
    const keep = repo.createConversation('k', DEFAULT_CHAT_SETTINGS);
    const att = (id: string) => ({ kind: 'file' as const, id, name: 'x.jpg' });
    repo.insertMessage(c.id, null, 'user', { text: 'q', attachments: [att('a'.repeat(64) + '.jpg')], status: 'done' });
    repo.insertMessage(keep.id, null, 'user', { text: 'q', attachments: [att('b'.repeat(64) + '.jpg'), { kind: 'photo', id: '7', name: 'p.jpg' }], status: 'done' });
    expect(repo.referencedFileIds()).toEqual(new Set(['a'.repeat(64) + '.jpg', 'b'.repeat(64) + '.jpg']));
    expect(repo.removeConversation(c.id)).toBe(true);
    expect(repo.countMessages(c.id)).toBe(0);
    expect(repo.referencedFileIds()).toEqual(new Set(['b'.repeat(64) + '.jpg']));
    expect(repo.removeConversation(c.id)).toBe(false);
  });
});

describe('titles and settings', () => {
  it('titles a conversation from the first line of its first question', () => {
    expect(titleFromQuestion('  What is in   this photo?\nmore', 1)).toBe('What is in this photo?');
    expect(titleFromQuestion('', 2)).toBe('2 images');
    const long = titleFromQuestion('Please describe every single object you can see on the table in great detail', 0);
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith('…')).toBe(true);
    expect(long.startsWith('Please describe every single object')).toBe(true);
  });

  it('merges partial settings and tolerates stored JSON from older versions', () => {
    const s = mergeSettings(DEFAULT_CHAT_SETTINGS, { temperature: 0.7, systemPrompt: undefined });
    expect(s).toEqual({ ...DEFAULT_CHAT_SETTINGS, temperature: 0.7 });
    expect(parseSettings('{"maxNewTokens": 64}')).toEqual({ ...DEFAULT_CHAT_SETTINGS, maxNewTokens: 64 });
    expect(parseSettings('not json')).toEqual(DEFAULT_CHAT_SETTINGS);
  });
});
