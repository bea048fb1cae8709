#!/usr/bin/env node
// The `ferry` command: runs the TypeScript CLI through tsx's loader, so it works right after `npm ci`. Both hooks:
// the CLI's modules are CommonJS (require), and without tsx's own require hook Node 24 would load them through its
// built-in type stripping, which resolves neither folder imports (`../platform`) nor import cycles.
import { register as registerRequire } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerRequire();
register();
await import('../main/cli/main.ts');
