#!/usr/bin/env node
// `npm run ferry:dev -- <args>`: the `ferry` command straight from the TypeScript sources through tsx's loader, for
// contributors (no build; slower start). Both hooks: the CLI's modules are CommonJS (require), and without tsx's own
// require hook Node 24 would load them through its built-in type stripping, which resolves neither folder imports
// (`../platform`) nor import cycles.
import { register as registerRequire } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerRequire();
register();
await import('../main/cli/main.ts');
