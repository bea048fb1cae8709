import { defineConfig } from 'vitest/config';

// One vitest run covers unit, smoke, security, conformance and integration tests; e2e runs in Playwright.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'tests/e2e-electron/**', 'node_modules/**', 'out/**'],
    // electron-store imports 'electron': inline it so vi.mock('electron') reaches it.
    server: { deps: { inline: ['electron-store'] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
