import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Runs the project's real ESLint config on snippets placed (virtually) in each layer.
const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'ferry/layering').map((m) => m.message);
}

describe('ferry/layering', () => {
  it.each([
    ['renderer/src/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'Node built-in'],
    ['renderer/src/bad.ts', "import fs from 'fs';\nexport const x = fs;", 'Node built-in'],
    [
      'renderer/src/bad.ts',
      "import { MainServices } from '../../main/services/main-services';\nexport const x = MainServices;",
      'main/',
    ],
    ['renderer/src/bad.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;", 'Electron'],
    ['shared/bad.ts', "import path from 'node:path';\nexport const x = path;", 'Node built-in'],
    ['shared/bad.ts', "export { layeringRule } from '../connectors/index';", 'connectors/'],
    ['main/services/bad.ts', "import { app } from 'electron';\nexport const x = app;", 'Electron'],
    ['main/services/bad.ts', "import Store from 'electron-store';\nexport const x = Store;", 'Electron'],
    ['connectors/bad.ts', "import { x } from '../main/services/main-services';\nexport const y = x;", 'main/'],
    ['platform/bad.ts', "export const load = () => import('../renderer/src/app');", 'renderer/'],
    ['preload/bad.ts', "const fs = require('node:fs');\nexport const x = fs;", 'Node built-in'],
  ])('%s: refuses %s', async (file, code, target) => {
    const errors = await layeringErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('ferry/layering');
    expect(errors[0]).toContain(target);
    expect(errors[0]).toContain('DESIGN.md');
  });

  it.each([
    ['renderer/src/ok.ts', "import { SCREENS } from '../../shared/screens';\nexport const x = SCREENS;"],
    [
      'main/shell/ok.ts',
      "import { app } from 'electron';\nimport path from 'node:path';\nexport const x = [app, path];",
    ],
    ['main/services/ok.ts', "import path from 'node:path';\nexport const x = path;"],
    ['preload/ok.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;"],
    ['tests/unit/ok.ts', "import { app } from 'electron';\nexport const x = app;"],
  ])('%s: allows %s', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
