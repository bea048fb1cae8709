#!/usr/bin/env node
// The `ferry` command: runs the TypeScript CLI through tsx's loader, so it works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
