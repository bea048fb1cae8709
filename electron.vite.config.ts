import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/** The embedded platform reads its SQL migrations next to the bundle (out/migrations), as it does next to its sources. */
const copyPlatformMigrations: Plugin = {
  name: 'ferry-copy-platform-migrations',
  closeBundle() {
    cpSync(resolve('platform/migrations'), resolve('out/migrations'), { recursive: true });
  },
};

// Top-level main/ preload/ renderer/ (not electron-vite's src/ default): each part names its entry.
export default defineConfig({
  main: {
    plugins: [copyPlatformMigrations],
    build: {
      outDir: resolve('out/main'),
      sourcemap: false,
      rollupOptions: { input: { index: resolve('main/shell/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve('out/preload'),
      // A sandboxed preload cannot require packages: bundle everything it uses.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve('preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
