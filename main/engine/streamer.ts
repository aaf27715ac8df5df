// Streams generated text as deltas whose concatenation is exactly the final text: each step decodes
// all generated tokens, holds back an unfinished UTF-8 character and trailing whitespace, and emits
// only what extends the text already sent.

interface Decoder {
  decode(ids: number[], opts: { skip_special_tokens: boolean }): string;
}

export class TextDeltaStreamer {
  private readonly tokens: number[] = [];
  private promptSeen = false;
  private sent = '';
  firstTokenAt: number | null = null;

  constructor(private readonly tokenizer: Decoder, private readonly onText?: (delta: string) => void) {}

  private visible(): string {
    return this.tokenizer.decode(this.tokens, { skip_special_tokens: true }).trimStart();
  }

  private emit(upTo: string): void {
    if (!upTo.startsWith(this.sent) || upTo.length === this.sent.length) return;
    const delta = upTo.slice(this.sent.length);
    this.sent = upTo;
    this.onText?.(delta);
  }

  /** Called by generate(): first with the prompt ids, then with [[token]] per step. */
  put(ids: bigint[][]): void {
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    this.firstTokenAt ??= performance.now();
    this.tokens.push(Number(ids[0][0]));
    if (this.onText) this.emit(this.visible().replace(/\uFFFD+$/, '').trimEnd());
  }

  end(): void {}

  /** The final text of `tokens` (trimmed); sends whatever part was held back. */
  finish(tokens: number[]): string {
    const text = this.tokenizer.decode(tokens, { skip_special_tokens: true }).trim();
    if (this.onText) this.emit(text);
    return text;
  }
}
