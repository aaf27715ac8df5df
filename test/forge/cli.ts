// npm run forge -- --preset tiny|smolvlm-256m --out DIR [--seed N] [--dtypes fp32,q8,q4] [--claimed-layers N] [--force]
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, forgeModel, FORGE_DTYPES, PRESETS, type ForgeDtype, type PresetName } from './index';

const usage = `usage: npm run forge -- --preset ${Object.keys(PRESETS).join('|')} --out DIR [--seed N] [--dtypes ${FORGE_DTYPES.join(',')}] [--claimed-layers N] [--force]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      dtypes: { type: 'string' },
      'claimed-layers': { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (!values.preset || !values.out) throw new Error(`--preset and --out are required\n${usage}`);
  if (!(values.preset in PRESETS)) throw new Error(`unknown preset "${values.preset}"\n${usage}`);
  const integer = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new Error(`${flag} must be a non-negative integer, got "${text}"`);
    return Number(text);
  };
  const result = await forgeModel({
    preset: values.preset as PresetName,
    out: values.out,
    seed: integer('--seed', values.seed) ?? DEFAULT_SEED,
    dtypes: values.dtypes ? (values.dtypes.split(',').map((d) => d.trim()) as ForgeDtype[]) : undefined,
    claimedLayers: integer('--claimed-layers', values['claimed-layers']),
    overwrite: values.force ?? false,
    onProgress: (m) => console.error(m),
  });
  console.log(
    JSON.stringify({ dir: result.dir, totalBytes: result.totalBytes, seconds: +(result.ms / 1000).toFixed(2), files: result.files, facts: result.facts }, null, 2),
  );
}

main().catch((err: unknown) => {
  console.error(`forge: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
