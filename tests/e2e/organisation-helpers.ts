import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { expect } from './harness-fixture';

/** The admin every organisation e2e test starts with. */
export const ADMIN = { name: 'Ada Admin', email: 'ada@example.org', password: 'correct horse battery' } as const;

/** Saves a full-page screenshot under test-results/screenshots/<name>-<lang>.png. */
export async function shoot(page: Page, name: string, lang: 'en' | 'fr'): Promise<void> {
  await page.screenshot({
    path: `test-results/screenshots/${name}-${lang}.png`,
    fullPage: true,
    animations: 'disabled',
  });
}

/** Switches the UI language through main (as the Settings screen does) and waits for the page to follow. */
export async function setLanguage(page: Page, harness: Harness, lang: 'en' | 'fr'): Promise<void> {
  harness.services.settings.set({ language: lang });
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** Opens the Organisation screen from the navigation. */
export async function openOrganisation(page: Page): Promise<void> {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /Organisation/ })
    .click();
}

/** Creates the local workspace's organisation and admin through main (the setup spec does it through the screen). */
export async function setUpWorkspace(page: Page, harness: Harness): Promise<void> {
  await page.goto(harness.url);
  const result = await page.evaluate(
    (admin) =>
      window.ferry.invoke('platform.setupLocal', {
        organisationName: 'Acme',
        name: admin.name,
        email: admin.email,
        password: admin.password,
      }),
    ADMIN,
  );
  expect(result.ok).toBe(true);
  await page.reload();
  await openOrganisation(page);
  await expect(page.getByRole('heading', { name: 'Acme', level: 2 })).toBeVisible();
}

/** The session tokens main keeps for the harness's accounts (from its SecretStore). */
export async function sessionTokens(harness: Harness): Promise<string[]> {
  const state = await harness.services.platform.state();
  const tokens = await Promise.all(state.accounts.map((a) => harness.services.secrets.get(`platform-session:${a.id}`)));
  return tokens.filter((t): t is string => t !== undefined);
}

/** The harness's settings file (the KeyValueStore), as text. */
export function settingsFile(harness: Harness): string {
  return readFileSync(path.join(harness.dataDir, 'settings.json'), 'utf8');
}
