// electron-builder.yml against electron-builder's own configuration schema, and its file rules run
// through electron-builder's own matchers (app-builder-lib) over the real node_modules: every native
// binary ends up outside app.asar, each platform ships only its own onnxruntime binaries, and the Node
// build of better-sqlite3 stays out of the installers.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
// js-yaml (electron-builder's own YAML reader) ships no types.
const yaml = require('js-yaml') as { load(text: string): unknown };
const ROOT = path.resolve(import.meta.dirname, '../..');
const DEST = '/build/app'; // where electron-builder stages the app (any absolute folder)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;
const config = yaml.load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
const fileMatcher = require('app-builder-lib/out/fileMatcher.js');
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

type Filter = (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean;

/** Files of a package as electron-builder's node-module copier sees them (absolute destination paths). */
function packageFiles(pkg: string, under = ''): { src: string; dest: string; stat: Stats }[] {
  const base = path.join(ROOT, 'node_modules', pkg);
  const out: { src: string; dest: string; stat: Stats }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const src = path.join(dir, name);
      const stat = statSync(src);
      if (stat.isDirectory()) { if (name !== 'node_modules') walk(src); continue; }
      out.push({ src, dest: path.join(DEST, 'node_modules', pkg, path.relative(base, src)), stat });
    }
  };
  walk(path.join(base, under));
  return out;
}

const passes = (filter: Filter, f: { src: string; dest: string; stat: Stats }) =>
  filter(f.src, Object.assign(Object.create(Object.getPrototypeOf(f.stat)), f.stat, { moduleFullFilePath: f.dest }));

function unpackFilter(platform: 'linux' | 'win' | 'mac'): Filter {
  const matchers = fileMatcher.getFileMatchers(config, 'asarUnpack', DEST, {
    macroExpander: (s: string) => s, customBuildOptions: config[platform] ?? {}, globalOutDir: path.join(ROOT, 'dist'), defaultSrc: ROOT,
  });
  return matchers[0].createFilter();
}

function nodeModulesFilter(platform: 'linux' | 'win' | 'mac'): Filter {
  const packager = { config, debugLogger: { isEnabled: false } };
  return fileMatcher.getNodeModuleFileMatcher(ROOT, DEST, (s: string) => s, config[platform] ?? {}, packager).createFilter();
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s configuration schema', () => {
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check does catch mistakes (a misspelt key fails)', () => {
    expect(validate({ ...config, asarUnpak: ['**/*.node'] })).toBe(false);
    expect(validate({ ...config, linux: { ...config.linux, target: [{ target: 'AppImage', arch: 'sparc' }] } })).toBe(false);
  });

  it('names the app and builds AppImage + deb, NSIS and dmg with an icon', () => {
    expect(config.productName).toBe('SmolAlbum');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const p of ['linux', 'win', 'mac']) expect(config[p].icon).toBe('build/icon.png');
  });

  it('leaves native rebuilding to scripts/electron-abi.mjs (an in-place rebuild breaks npm test)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.asar).toBe(true);
  });
});

describe('icon', () => {
  it('is a 512×512 PNG under 100 KB', async () => {
    const file = path.join(ROOT, 'build/icon.png');
    expect(statSync(file).size).toBeLessThan(100 * 1024);
    expect(await sharp(file).metadata()).toMatchObject({ format: 'png', width: 512, height: 512 });
  });
});

describe('natives are unpacked from app.asar', () => {
  const natives = [
    ...packageFiles('onnxruntime-node', 'bin'),
    ...packageFiles('sharp'),
    ...readdirSync(path.join(ROOT, 'node_modules/@img')).flatMap((p) => packageFiles(`@img/${p}`)),
    ...packageFiles('better-sqlite3').filter((f) => !/[\\/](deps|src)[\\/]/.test(f.src)),
  ];

  it('finds the native packages installed', () => {
    const names = natives.map((f) => path.basename(f.src));
    expect(names).toContain('onnxruntime_binding.node');
    expect(names).toContain('better_sqlite3.node');
    expect(names.some((n) => /^sharp-.*\.node$/.test(n))).toBe(true);
    expect(names.some((n) => /^libvips-cpp\.so/.test(n))).toBe(true);
  });

  for (const platform of ['linux', 'win', 'mac'] as const) {
    it(`${platform}: every file of onnxruntime-node/bin, sharp, @img/* and better-sqlite3 is unpacked`, () => {
      const filter = unpackFilter(platform);
      const packed = natives.filter((f) => !passes(filter, f)).map((f) => path.relative(ROOT, f.src));
      expect(packed).toEqual([]);
    });
  }

  it('the ffmpeg and ffprobe executables (videos) are unpacked on every platform', () => {
    const tools = [...packageFiles('@ffmpeg-installer/linux-x64'), ...packageFiles('@ffprobe-installer/linux-x64')];
    expect(tools.map((f) => path.basename(f.src))).toEqual(expect.arrayContaining(['ffmpeg', 'ffprobe']));
    for (const platform of ['linux', 'win', 'mac'] as const) {
      const filter = unpackFilter(platform);
      expect(tools.filter((f) => !passes(filter, f)).map((f) => path.relative(ROOT, f.src)), platform).toEqual([]);
    }
  });

  it('ExifTool (its Perl script and libraries) is unpacked on every platform', () => {
    const files = packageFiles('exiftool-vendored.pl');
    expect(files.map((f) => path.relative(path.join(ROOT, 'node_modules/exiftool-vendored.pl'), f.src))).toEqual(expect.arrayContaining(['bin/exiftool']));
    expect(files.length).toBeGreaterThan(100);
    for (const platform of ['linux', 'win', 'mac'] as const) {
      const filter = unpackFilter(platform);
      expect(files.filter((f) => !passes(filter, f)).map((f) => path.relative(ROOT, f.src)), platform).toEqual([]);
    }
  });

  it('any .node, .dll, .dylib, .so(.N) anywhere is unpacked, plain JS is not', () => {
    const filter = unpackFilter('linux');
    const at = (rel: string) => ({ src: path.join(ROOT, rel), dest: path.join(DEST, rel), stat: statSync(path.join(ROOT, 'package.json')) });
    for (const rel of ['node_modules/x/build/Release/addon.node', 'node_modules/x/lib/a.dll', 'node_modules/x/lib/a.dylib',
      'node_modules/x/lib/liba.so', 'node_modules/x/lib/liba.so.1.2']) expect(passes(filter, at(rel)), rel).toBe(true);
    expect(passes(filter, at('node_modules/zod/index.js'))).toBe(false);
    expect(passes(filter, at('out/main/app.js'))).toBe(false);
    // The tool runner is forked by path (main/media/video/tool-runner.ts maps it to app.asar.unpacked).
    expect(passes(filter, at('out/media/tool-runner.cjs'))).toBe(true);
  });
});

describe('each target ships only its own onnxruntime binaries', () => {
  const ort = packageFiles('onnxruntime-node', 'bin/napi-v6');
  const shipped = (platform: 'linux' | 'win' | 'mac') => {
    const filter = nodeModulesFilter(platform);
    return new Set(ort.filter((f) => passes(filter, f)).map((f) => path.relative(path.join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6'), f.src).split(path.sep)[0]));
  };

  it('linux keeps linux only', () => expect(shipped('linux')).toEqual(new Set(['linux'])));
  it('windows keeps win32 only', () => expect(shipped('win')).toEqual(new Set(['win32'])));
  it('macOS keeps darwin only', () => expect(shipped('mac')).toEqual(new Set(['darwin'])));

  it('uses no ${platform} macro, which electron-builder leaves unexpanded in globs', () => {
    expect(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')).not.toMatch(/^\s*-.*\$\{platform\}/m);
  });
});

describe('better-sqlite3 in the installers', () => {
  const files = packageFiles('better-sqlite3').filter((f) => !/[\\/](deps|src)[\\/]/.test(f.src));
  const at = (rel: string) => ({ src: path.join(ROOT, 'node_modules/better-sqlite3', rel), dest: path.join(DEST, 'node_modules/better-sqlite3', rel), stat: files[0]!.stat });

  it('ships the Electron build and the JS, not the Node build or the SQLite sources', () => {
    const filter = nodeModulesFilter('linux');
    expect(passes(filter, at('build-electron/better_sqlite3.node'))).toBe(true);
    expect(passes(filter, at('lib/database.js'))).toBe(true);
    expect(passes(filter, at('build/Release/better_sqlite3.node'))).toBe(false);
    expect(passes(filter, at('deps/sqlite3/sqlite3.c'))).toBe(false);
    expect(passes(filter, at('src/better_sqlite3.cpp'))).toBe(false);
  });
});

describe('bundles load only what their process needs', () => {
  // transformers.js and onnxruntime take ~150 MB of memory when loaded: only the inference process
  // (out/engine) may import them; the app's main process and the CLI reach images through
  // main/engine/images.ts, which does not.
  const bundle = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');
  it('the main process and the CLI do not import transformers.js or onnxruntime; the engine does', () => {
    for (const rel of ['out/main/app.js', 'out/cli/index.js']) expect(bundle(rel)).not.toMatch(/["']@huggingface\/transformers["']|["']onnxruntime-node["']/);
    expect(bundle('out/engine/entry.js')).toMatch(/["']@huggingface\/transformers["']/);
  });

  it('the search thread is its own bundle beside the main one, with SQLite and nothing of the engine', () => {
    // main/db/search-reader.ts starts ../db/search-worker.js from out/main/app.js and out/cli/index.js.
    const worker = bundle('out/db/search-worker.js');
    expect(worker).toMatch(/["']better-sqlite3["']/);
    expect(worker).not.toMatch(/["']@huggingface\/transformers["']|["']onnxruntime-node["']|["']sharp["']/);
  });

  it('the tool runner is its own bundle and imports nothing but Node (it must stay small)', () => {
    // main/media/video/tool-runner.ts starts ../media/tool-runner.cjs from out/main/app.js and out/cli/index.js.
    const runner = bundle('out/media/tool-runner.cjs');
    const required = [...runner.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toContain('node:child_process');
    expect(required.every((m) => m.startsWith('node:')), required.join(', ')).toBe(true);
  });
});
