// Finds the Electron binary WITHOUT require('electron'), which would try (and here fail) to download it.
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** The Electron executable's path, or undefined when the binary is not installed. */
function findElectronBinary() {
  let dir;
  try {
    dir = path.dirname(require.resolve('electron/package.json', { paths: [path.resolve(__dirname, '..')] }));
  } catch {
    return undefined;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist');
  const binary = path.join(distDir, relative);
  return existsSync(binary) ? binary : undefined;
}

module.exports = { findElectronBinary };
