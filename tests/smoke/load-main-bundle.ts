// Loads the BUILT main bundle (out/main/index.js) under Node, with the stub 'electron' answering its requires.
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
/** The built main bundle. */
export const MAIN_BUNDLE = path.join(root, 'out/main/index.js');
const stubPath = path.join(__dirname, 'electron-stub.cjs');
const nodeRequire = createRequire(__filename);

/** Requires the bundle with 'electron' resolved to the stub; returns what the stub recorded (its `__calls`). */
export function loadMainBundle<Calls>(): Calls {
  if (!existsSync(MAIN_BUNDLE)) throw new Error('out/main/index.js is missing: run `npm run build` first.');
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? stubPath : original.call(this, request, ...rest);
  };
  try {
    nodeRequire(MAIN_BUNDLE);
  } finally {
    resolver._resolveFilename = original;
  }
  return (nodeRequire(stubPath) as { __calls: Calls }).__calls;
}
