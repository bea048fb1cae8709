#!/usr/bin/env node
// `npm test`: lint, typecheck, build, vitest and Playwright in order; ends with "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const res = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return res.status === 0;
}

/** A check that is not a test runner counts as one test. */
function check(label, command, args) {
  if (run(label, command, args)) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(label);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);

check('lint', npx('eslint'), ['--max-warnings', '0', '.']);
check('format', npx('prettier'), ['--check', '.']);
check('typecheck: shared (no Node, no DOM)', npx('tsc'), ['-p', 'tsconfig.shared.json']);
check('typecheck: renderer (DOM, no Node)', npx('tsc'), ['-p', 'tsconfig.web.json']);
check('typecheck: node', npx('tsc'), ['-p', 'tsconfig.node.json']);
check('typecheck: e2e (DOM + Node)', npx('tsc'), ['-p', 'tsconfig.e2e.json']);
check('build', npx('electron-vite'), ['build']);

const vitestJson = path.join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestOk = run('vitest', npx('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
  if (v.numFailedTests > 0 || v.numFailedTestSuites > 0) failures.push('vitest');
  if (v.numFailedTestSuites > 0 && v.numFailedTests === 0) totals.failed += v.numFailedTestSuites;
  // Vitest fails the run on errors outside any test (an unhandled rejection): that is a failure too.
  if (!vitestOk && v.numFailedTests === 0 && v.numFailedTestSuites === 0) {
    totals.failed += 1;
    failures.push('vitest (errors outside the tests: see the log above)');
  }
} else if (!vitestOk) {
  totals.failed += 1;
  failures.push('vitest (no report)');
}

const pwJson = path.join(results, 'playwright.json');
rmSync(pwJson, { force: true });
const pwOk = run('playwright', npx('playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
});
const p = readJson(pwJson);
if (p?.stats) {
  totals.passed += p.stats.expected + p.stats.flaky;
  totals.failed += p.stats.unexpected;
  totals.skipped += p.stats.skipped;
  if (p.stats.unexpected > 0) failures.push('playwright');
  if (!pwOk && p.stats.unexpected === 0) {
    totals.failed += 1;
    failures.push('playwright (run failed)');
  }
} else if (!pwOk || !existsSync(pwJson)) {
  totals.failed += 1;
  failures.push('playwright (no report)');
}

if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
