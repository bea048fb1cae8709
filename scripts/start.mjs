#!/usr/bin/env node
// `npm start`: builds and launches the Electron app, or explains in one paragraph why it cannot.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary } from './electron-binary.cjs';

const root = path.resolve(import.meta.dirname, '..');
if (!findElectronBinary()) {
  console.error(
    'Ferry cannot start: the Electron binary is not installed (node_modules/electron has no dist/ folder, usually ' +
      'because its download was blocked or skipped with ELECTRON_SKIP_BINARY_DOWNLOAD). To fix it, allow the download ' +
      'and run `npm rebuild electron` (or `node node_modules/electron/install.js`), or point ELECTRON_OVERRIDE_DIST_PATH ' +
      'at an unpacked Electron 45 folder. Meanwhile you can use the interface in a browser, backed by the same services: ' +
      '`npm run preview:web`.',
  );
  process.exit(1);
}
const electronVite = path.join(root, 'node_modules', '.bin', 'electron-vite');
const result = spawnSync(electronVite, ['preview'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
