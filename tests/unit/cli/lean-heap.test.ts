import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LEAN_HEAP_FLAGS } from '../../../main/cli/lean-heap';

const MiB = 1024 * 1024;

// A process that sets `flags` after start, keeps many young objects alive (survivors make V8 grow the young
// generation), then prints the young generation's size in bytes.
function youngGenerationAfterSurvivors(flags: string): number {
  const script = `
    const v8 = require('node:v8');
    if (process.argv[1]) v8.setFlagsFromString(process.argv[1]);
    const keep = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 100000; i++) keep.push({ i, s: 'x' + i });
      keep.length = 50000;
    }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(young.space_size));`;
  const run = spawnSync(process.execPath, ['-e', script, '--', flags], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return Number(run.stdout);
}

describe('LEAN_HEAP_FLAGS (set by the ferry command at start)', () => {
  it('keeps the young generation small when set after start, where V8 would grow it', () => {
    const lean = youngGenerationAfterSurvivors(LEAN_HEAP_FLAGS);
    const grown = youngGenerationAfterSurvivors('');
    expect(lean).toBeLessThanOrEqual(4 * MiB);
    expect(grown).toBeGreaterThan(lean * 2);
  }, 30_000);
});
