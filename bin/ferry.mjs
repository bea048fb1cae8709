#!/usr/bin/env node
// The `ferry` command: runs the bundle `npm run build` writes (out/cli/ferry.js, CommonJS, dependencies from
// node_modules), so it starts like a native tool instead of compiling TypeScript at every start.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/ferry.js', import.meta.url));
if (existsSync(bundle)) {
  createRequire(import.meta.url)(bundle);
} else {
  process.stderr.write(
    `ferry: the command is not built (${bundle} is missing). Run "npm run build" once, ` +
      'or run it from the sources with "npm run ferry:dev -- <arguments>".\n',
  );
  process.exitCode = 1;
}
