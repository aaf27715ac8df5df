// CLI commands that talk to SmolVLM directly: caption, ask, chat; and `engines`, the endpoints it may run on. Each runs in the inference process
// (child_process.fork) of the --data-dir's context; --model/--device/--dtype apply to this run only.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { CliCommand, CliIo } from '../types';
import type { EngineChatTurn, EngineClient } from '../../engine/client';
import type { CaptionStyle } from '../../../shared/contract/chat';
import { DEVICES, DTYPES, type Device, type Dtype } from '../../../shared/contract/models';
import { isImageName } from '../../../shared/media';
import { listFiles } from '../../media/walk';
import { writeFileAtomic } from '../../media/atomic-write';
import { AppError, EXIT_CODE_OF_KIND, kindOf } from '../../../shared/errors';

type Values = Record<string, string | boolean | string[] | undefined>;

const engineOptions = {
  model: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
} as const;


function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function num(values: Values, key: string, min: number, max: number): number | undefined {
  const raw = str(values, key);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new AppError('input', `--${key} must be a number from ${min} to ${max} (got ${raw})`);
  return n;
}

/** The context's engine with this run's --model/--device/--dtype applied. */
async function engineFor(values: Values, io: CliIo): Promise<EngineClient> {
  const device = str(values, 'device');
  const dtype = str(values, 'dtype');
  if (device !== undefined && !(DEVICES as readonly string[]).includes(device)) throw new AppError('input', `--device must be one of ${DEVICES.join(', ')}`);
  if (dtype !== undefined && !(DTYPES as readonly string[]).includes(dtype)) throw new AppError('input', `--dtype must be one of ${DTYPES.join(', ')}`);
  const model = str(values, 'model');
  const engine = io.ctx().engine();
  await engine.configure({ model: model && existsSync(model) ? path.resolve(model) : model, device: device as Device | undefined, dtype: dtype as Dtype | undefined });
  const s = await engine.load();
  io.log(`SmolVLM ${s.model} on ${s.device} (${Object.entries(s.dtype ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')})`);
  if (s.dtypeReason) io.log(`  precision: ${s.dtypeReason}`);
  for (const reason of s.fallbackReasons) io.log(`  not used: ${reason}`);
  return engine;
}

/** Files given, and image files inside folders given (recursively, the library's walker), in a stable order. */
export async function expandImagePaths(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    if (!existsSync(abs)) throw new AppError('input', `Not found: ${input}`);
    if (statSync(abs).isDirectory()) out.push(...await listFiles(abs, { accept: isImageName }));
    else out.push(abs);
  }
  return out;
}

/** IMG_1.jpg → IMG_1.txt beside it (the dataset convention); never replaces an existing file. */
async function writeTxt(imageFile: string, text: string): Promise<'written' | 'skipped'> {
  const txt = path.join(path.dirname(imageFile), `${path.parse(imageFile).name}.txt`);
  if (existsSync(txt)) return 'skipped';
  try {
    await writeFileAtomic(txt, `${text}\n`, { noReplace: true });
  } catch (err) {
    if (kindOf(err) === 'conflict') return 'skipped'; // appeared meanwhile: still never replaced
    throw err;
  }
  return 'written';
}

export const captionCommand: CliCommand = {
  name: 'caption',
  summary: 'Caption images with SmolVLM (files or folders)',
  usage: 'caption FILE|DIR... [--style short|detailed|tags|custom --prompt P] [--with-tags] [--write-txt] [--model M] [--device D] [--dtype T]',
  options: {
    ...engineOptions,
    style: { type: 'string', default: 'short' },
    prompt: { type: 'string' },
    'with-tags': { type: 'boolean', default: false },
    'write-txt': { type: 'boolean', default: false },
    'max-new-tokens': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    try {
      const style = str(values, 'style') as CaptionStyle;
      if (!['short', 'detailed', 'tags', 'custom'].includes(style)) throw new AppError('input', '--style must be short, detailed, tags or custom');
      const prompt = str(values, 'prompt');
      if (style === 'custom' && !prompt?.trim()) throw new AppError('input', '--style custom needs --prompt "..."');
      if (!positionals.length) throw new AppError('input', 'Give at least one image file or folder');
      const files = await expandImagePaths(positionals);
      if (!files.length) throw new AppError('input', 'No images found');
      const maxNewTokens = num(values, 'max-new-tokens', 1, 4096);
      const engine = await engineFor(values, io);
      const results: { path: string; caption: string | null; tags: string[]; ms: number; error?: string; txt?: string }[] = [];
      let failed = 0;
      let stop = false;
      void io.interrupted.then(() => { stop = true; });
      for (const file of files) {
        if (stop) break;
        const t0 = performance.now();
        try {
          const r = await engine.caption({ path: file, style, prompt, withTags: values['with-tags'] === true, maxNewTokens });
          const item: (typeof results)[number] = { path: file, caption: r.caption, tags: r.tags, ms: r.ms };
          if (values['write-txt'] === true) item.txt = await writeTxt(file, r.caption);
          results.push(item);
          io.print(`${file}\n  ${r.caption}${r.tags.length && style !== 'tags' ? `\n  tags: ${r.tags.join(', ')}` : ''}${item.txt === 'skipped' ? '\n  (.txt exists, kept)' : ''}`);
        } catch (err) {
          failed++;
          results.push({ path: file, caption: null, tags: [], ms: Math.round(performance.now() - t0), error: (err as Error).message });
          io.log(`${file}: ${(err as Error).message}`);
        }
      }
      if (io.json) io.printJson(results);
      return failed ? 1 : 0;
    } catch (err) {
      if (kindOf(err) === 'input') { io.log((err as Error).message); return EXIT_CODE_OF_KIND.input; }
      throw err;
    }
  },
};

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'Ask SmolVLM a question about one image',
  usage: 'ask IMAGE "QUESTION" [--max-new-tokens N] [--temperature T] [--model M] [--device D] [--dtype T]',
  options: {
    ...engineOptions,
    'max-new-tokens': { type: 'string' },
    temperature: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    try {
      const [image, ...words] = positionals;
      const question = words.join(' ').trim();
      if (!image || !question) throw new AppError('input', 'Usage: ask IMAGE "QUESTION"');
      if (!existsSync(image)) throw new AppError('input', `Image not found: ${image}`);
      const maxNewTokens = num(values, 'max-new-tokens', 1, 4096) ?? 256;
      const temperature = num(values, 'temperature', 0, 2);
      const engine = await engineFor(values, io);
      const abort = new AbortController();
      void io.interrupted.then(() => abort.abort());
      const r = await engine.ask({
        path: path.resolve(image), question, maxNewTokens, temperature, signal: abort.signal,
        onToken: io.json ? undefined : (t) => process.stdout.write(t),
      });
      if (io.json) io.printJson({ text: r.text, tokens: r.tokens });
      else process.stdout.write(r.stopped ? ' [stopped]\n' : '\n');
      return 0;
    } catch (err) {
      if (kindOf(err) === 'input') { io.log((err as Error).message); return EXIT_CODE_OF_KIND.input; }
      throw err;
    }
  },
};

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'Chat with SmolVLM about images (/image PATH attaches, /exit quits, Ctrl-C stops an answer)',
  usage: 'chat [--max-new-tokens N] [--temperature T] [--model M] [--device D] [--dtype T]',
  options: {
    ...engineOptions,
    'max-new-tokens': { type: 'string' },
    temperature: { type: 'string' },
  },
  async run({ values }, io) {
    let maxNewTokens: number;
    let temperature: number | undefined;
    try {
      maxNewTokens = num(values, 'max-new-tokens', 1, 4096) ?? 512;
      temperature = num(values, 'temperature', 0, 2);
    } catch (err) {
      io.log((err as Error).message);
      return 2;
    }
    const engine = await engineFor(values, io);
    const interactive = Boolean(process.stdin.isTTY);
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
    const turns: EngineChatTurn[] = [];
    const sessionKey = `cli-${process.pid}`;
    let pendingImages: string[] = [];
    let generating: AbortController | null = null;
    if (!io.json) io.print('Type a message. /image PATH attaches an image, /exit quits, Ctrl-C stops an answer.');
    const prompt = () => { if (interactive) rl.prompt(); };
    rl.setPrompt('you> ');
    // Ctrl-C: stop the answer being written; at the prompt, quit.
    rl.on('SIGINT', () => { if (generating) generating.abort(); else rl.close(); });
    void io.interrupted.then(() => { if (generating) generating.abort(); else rl.close(); });
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (!line) { prompt(); continue; }
      if (line === '/exit' || line === '/quit') break;
      if (line.startsWith('/image')) {
        const file = line.slice('/image'.length).trim();
        const abs = path.resolve(file);
        if (!file || !existsSync(abs) || !statSync(abs).isFile()) io.log(`No such image: ${file}`);
        else { pendingImages.push(abs); io.log(`attached ${abs}`); }
        prompt();
        continue;
      }
      if (line.startsWith('/')) { io.log('Commands: /image PATH, /exit'); prompt(); continue; }
      turns.push({ role: 'user', text: line, images: pendingImages });
      pendingImages = [];
      generating = new AbortController();
      if (!io.json) process.stdout.write('smolvlm> ');
      try {
        const r = await engine.chat({
          messages: turns, maxNewTokens, temperature, sessionKey, signal: generating.signal,
          onToken: io.json ? undefined : (t) => process.stdout.write(t),
        });
        turns.push({ role: 'assistant', text: r.text, images: [] });
        if (io.json) process.stdout.write(`${JSON.stringify({ text: r.text, tokens: r.tokens, stopped: r.stopped, imageTokens: r.imageTokens, droppedTurns: r.droppedTurns })}\n`);
        else process.stdout.write(`${r.stopped ? ' [stopped]' : ''}\n`);
        if (r.droppedTurns) io.log(`(${r.droppedTurns} oldest turns no longer fit and were left out)`);
      } catch (err) {
        turns.pop();
        io.log(`\nError: ${(err as Error).message}`);
      } finally {
        generating = null;
      }
      prompt();
    }
    rl.close();
    return 0;
  },
};

const ENGINES_USAGE = 'engines list | add URL [--name N] [--model M] [--api-key-env VAR] [--concurrency N] [--jpeg Q] | rm NAME | test NAME';

/** `engines`: the OpenAI-compatible endpoints captions and chats may run on. Keys come from an environment variable, never the command line. */
export const enginesCommand: CliCommand = {
  name: 'engines',
  summary: 'Inference endpoints (vLLM, llama-server, LM Studio, Ollama, another SmolAlbum)',
  usage: ENGINES_USAGE,
  options: {
    name: { type: 'string' },
    model: { type: 'string' },
    'api-key-env': { type: 'string' },
    concurrency: { type: 'string' },
    jpeg: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const [sub, arg] = positionals;
    const service = io.service();
    try {
      if (sub === 'list' || sub === undefined) {
        const r = await service['engines.list']({});
        if (io.json) { io.printJson(r); return 0; }
        if (!r.endpoints.length) io.print('No endpoints: everything runs on the local engine. Add one with `engines add URL`.');
        for (const e of r.endpoints) {
          io.print(`${e.name}\t${e.baseUrl}\tmodel ${e.model ?? '(first listed)'}\tconcurrency ${e.concurrency}\t${e.enabled ? 'enabled' : 'disabled'}\t${e.hasKey ? 'key set' : 'no key'}\t${e.imageFormat === 'png' ? 'png' : `jpeg q${e.jpegQuality}`}`);
        }
        io.print(`local engine as fallback: ${r.localFallback ? 'on' : 'off'}`);
        return 0;
      }
      if (sub === 'add') {
        if (!arg) throw new AppError('input', `Usage: ${ENGINES_USAGE}`);
        const keyVar = str(values, 'api-key-env');
        let apiKey: string | undefined;
        if (keyVar !== undefined) {
          apiKey = process.env[keyVar];
          if (!apiKey) throw new AppError('input', `--api-key-env ${keyVar}: that environment variable is empty or unset`);
        }
        const concurrency = num(values, 'concurrency', 1, 64);
        const jpeg = num(values, 'jpeg', 1, 100);
        const e = await service['engines.add']({
          url: arg, name: str(values, 'name'), model: str(values, 'model'), concurrency, apiKey,
          ...(jpeg !== undefined ? { imageFormat: 'jpeg' as const, jpegQuality: jpeg } : {}),
        });
        if (io.json) io.printJson(e);
        else io.print(`Added ${e.name} (${e.baseUrl})${e.hasKey ? ' with its key' : ''}`);
        return 0;
      }
      if (sub === 'rm' || sub === 'remove') {
        if (!arg) throw new AppError('input', `Usage: ${ENGINES_USAGE}`);
        await service['engines.remove']({ name: arg });
        if (io.json) io.printJson({ removed: arg });
        else io.print(`Removed ${arg}`);
        return 0;
      }
      if (sub === 'test') {
        if (!arg) throw new AppError('input', `Usage: ${ENGINES_USAGE}`);
        const t = await service['engines.test']({ name: arg });
        if (io.json) io.printJson(t);
        else if (t.ok) io.print(`${t.name}: ok — models ${t.models.join(', ')}; caption by ${t.model} in ${t.latencyMs} ms: ${t.caption}`);
        else io.print(`${t.name}: FAILED — ${t.error}${t.models.length ? ` (models: ${t.models.join(', ')})` : ''}`);
        return t.ok ? 0 : 1;
      }
      throw new AppError('input', `Unknown subcommand "${sub}". Usage: ${ENGINES_USAGE}`);
    } catch (err) {
      if (kindOf(err) === 'input') { io.log((err as Error).message); return EXIT_CODE_OF_KIND.input; }
      throw err;
    }
  },
};

export const engineCommands: CliCommand[] = [captionCommand, askCommand, chatCommand, enginesCommand];
