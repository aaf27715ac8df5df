// What the ONNX sessions were actually fed during one generation, counted where transformers.js hands
// tensors to onnxruntime (each session's run()). Tests compare it with the engine's own claims
// (`cachedTokens`): a KV-cache reuse that only reports itself, or a vision pass that silently skips an
// earlier turn's images, shows up here.
import type { FedStats } from './client';

type Feed = Record<string, { dims?: readonly number[] } | undefined>;
interface RunnableSession { run: (feed: Feed, ...rest: unknown[]) => Promise<unknown> }

export class FedCounter {
  private current: FedStats | null = null;

  /** Wraps the model's sessions once; counting only happens between begin() and end(). */
  constructor(sessions: Record<string, RunnableSession>) {
    for (const [name, session] of Object.entries(sessions)) {
      const run = session.run.bind(session);
      session.run = (feed, ...rest) => {
        this.record(name, feed);
        return run(feed, ...rest);
      };
    }
  }

  begin(): void {
    this.current = { visionFrames: [], decoderInputTokens: [], decoderPastTokens: [] };
  }

  end(): FedStats {
    const stats = this.current ?? { visionFrames: [], decoderInputTokens: [], decoderPastTokens: [] };
    this.current = null;
    return stats;
  }

  private record(session: string, feed: Feed): void {
    const s = this.current;
    if (!s) return;
    if (session === 'vision_encoder') {
      // pixel_values: [batch, frames, 3, height, width] — one frame per tile (+ the global view).
      const dims = feed.pixel_values?.dims ?? [];
      s.visionFrames.push(dims.length === 5 ? dims[0]! * dims[1]! : dims[0] ?? 0);
    } else if (session === 'decoder_model_merged') {
      s.decoderInputTokens.push(feed.inputs_embeds?.dims?.[1] ?? 0);
      // past_key_values.N.key: [batch, kv heads, past length, head dim].
      s.decoderPastTokens.push(feed['past_key_values.0.key']?.dims?.[2] ?? 0);
    }
  }
}
