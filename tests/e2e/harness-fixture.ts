import { test as base } from '@playwright/test';
import { type Harness, type HarnessOptions, startHarness } from '../harness/harness';

/** Playwright test with a fresh harness per test; `startApp` opens another one (e.g. the same data after a restart). */
export const test = base.extend<{
  harness: Harness;
  startApp: (options?: HarnessOptions) => Promise<Harness>;
}>({
  startApp: async ({}, use) => {
    const started: Harness[] = [];
    await use(async (options) => {
      const harness = await startHarness(options);
      started.push(harness);
      return harness;
    });
    await Promise.all(started.map((h) => h.stop()));
  },
  harness: async ({ startApp }, use) => {
    await use(await startApp());
  },
});

export { expect } from '@playwright/test';
