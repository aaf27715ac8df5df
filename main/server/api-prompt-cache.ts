// Prompt caching for the OpenAI-compatible API, as llama-server's cache_prompt and vLLM's prefix
// caching do: the API is stateless, so a client continuing a conversation (SmolAlbum's own remote
// captions ask for tags in a second request that repeats the image and the caption) sends the whole
// history again. A request whose history — every message but the last user one — is exactly an
// earlier request plus the answer it got continues that request's engine session, so its KV cache
// (the image's vision pass, the prompt's prefill) is reused instead of recomputed. Messages are keyed
// by role, text and the images' content hashes; the engine still verifies the token prefix.
import { createHash, randomBytes } from 'node:crypto';

export interface KeyedTurn {
  role: string;
  text: string;
  /** sha256 of each image's bytes, in order. */
  images: string[];
}

/** Conversations remembered; the engine itself keeps only its last few KV caches. */
const MAX_ENTRIES = 8;

export class ApiPromptCache {
  /** Conversation hash (messages + answer) → engine session key, oldest first. */
  private readonly sessions = new Map<string, string>();

  private static hash(turns: KeyedTurn[], imageSplitting: boolean | undefined): string {
    return createHash('sha256').update(JSON.stringify([imageSplitting ?? null, turns])).digest('hex');
  }

  /** The session to continue for a request (consumed), or a fresh key. */
  sessionFor(turns: KeyedTurn[], imageSplitting: boolean | undefined): string {
    const key = ApiPromptCache.hash(turns.slice(0, -1), imageSplitting);
    const found = this.sessions.get(key);
    if (found) { this.sessions.delete(key); return found; }
    return `api:${randomBytes(9).toString('base64url')}`;
  }

  /** Remembers that `session` now holds the request's messages followed by its answer. */
  remember(turns: KeyedTurn[], answer: string, imageSplitting: boolean | undefined, session: string): void {
    this.sessions.set(ApiPromptCache.hash([...turns, { role: 'assistant', text: answer, images: [] }], imageSplitting), session);
    while (this.sessions.size > MAX_ENTRIES) this.sessions.delete(this.sessions.keys().next().value!);
  }
}
