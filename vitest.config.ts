import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Native modules (better-sqlite3, sharp, onnxruntime-node) and child processes: run files in forks.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism modest so engine and indexer tests don't starve each other.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
    // One packed gazetteer (main/places/places-data.ts) for every test library, built once.
    env: { SMOLALBUM_CACHE_DIR: path.resolve('.cache/test-cache') },
  },
});
