// Renderer build: output in out/renderer, relative asset URLs (base './') so the same build works
// under Electron's custom protocol and behind `smolalbum serve`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
// Build tooling runs under Node (not in the page), so this one Node import is fine here.
// eslint-disable-next-line no-restricted-imports
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: { port: 5173, strictPort: false },
});
