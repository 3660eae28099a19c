import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console, built into dist/console and served by the gateway at /console under a strict
 * CSP: everything bundled (no CDN), no inline script or style, no module-preload polyfill
 * (Vite would inline it otherwise), no source maps shipped.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
