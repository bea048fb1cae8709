import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Builds the app once when the renderer bundle is missing (npm test builds before; a lone `playwright test` may not). */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '../..');
  if (!existsSync(path.join(root, 'out/renderer/index.html'))) {
    execFileSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
  }
}
