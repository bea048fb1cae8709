import { cpSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { build, type Plugin } from 'vite';

/** The embedded platform reads its SQL migrations next to the bundle (out/migrations), as it does next to its sources. */
const copyPlatformMigrations: Plugin = {
  name: 'ferry-copy-platform-migrations',
  closeBundle() {
    cpSync(resolve('platform/migrations'), resolve('out/migrations'), { recursive: true });
  },
};

const dependencies = Object.keys(
  (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
);

// Bundled into the command although production dependencies: zod's package entry evaluates every locale and schema
// (~110 ms of a 150 ms start); bundled, only what Ferry's schemas use is kept.
const cliBundled = new Set(['zod']);
const cliExternal = dependencies.filter((d) => !cliBundled.has(d));

/**
 * The `ferry` command (main/cli/main.ts) as its own bundle, out/cli/ferry.js, built after the main bundle: CommonJS
 * for Node (no Electron), the production dependencies left to node_modules as in the main bundle (anything else is
 * bundled, so the packaged app runs it too). Its own build, not a second main entry, so the app's bundle stays one
 * file and the command shares no chunk with it. Its chunks sit beside it: anything reading files relative to its
 * module (`__dirname/../migrations`) finds them in out/ as the main bundle does. Connector drivers are chunks loaded
 * on first use (connectors/lazy-driver.ts).
 */
const buildCli: Plugin = {
  name: 'ferry-build-cli',
  apply: 'build',
  async closeBundle() {
    if (this.meta.watchMode) return;
    await build({
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      ssr: { noExternal: true },
      build: {
        ssr: resolve('main/cli/main.ts'),
        outDir: resolve('out/cli'),
        emptyOutDir: true,
        target: 'node22',
        minify: false,
        sourcemap: false,
        reportCompressedSize: false,
        rolldownOptions: {
          external: [
            /^node:/,
            ...builtinModules,
            ...cliExternal,
            new RegExp(`^(${cliExternal.map((d) => d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})/`),
          ],
          output: { format: 'cjs', entryFileNames: 'ferry.js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    });
  },
};

// Top-level main/ preload/ renderer/ (not electron-vite's src/ default): each part names its entry.
export default defineConfig({
  main: {
    plugins: [copyPlatformMigrations, buildCli],
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
