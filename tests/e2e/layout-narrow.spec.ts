import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { Harness, HarnessOptions } from '../harness/harness';
import { expect, test } from './harness-fixture';
import { setLanguage, setUpWorkspace } from './organisation-helpers';

// The small window the issue asks for, and the usual one.
const NARROW = { width: 1024, height: 640 };
const USUAL = { width: 1200, height: 800 };
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');
// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (): HarnessOptions => (rendererDir ? { rendererDir } : {});

let root: string;

test.beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-layout-'));
  writeFileSync(path.join(root, 'small.csv'), Buffer.alloc(5300, 'a'));
  writeFileSync(path.join(root, 'large.bin'), Buffer.alloc(2_400_000));
  writeFileSync(
    path.join(root, 'quarterly-survey-of-regional-water-quality-measurements-2026-final-revised-v3.csv'),
    'a,b\n1,2\n',
  );
  mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

const nav = (page: Page) => page.getByRole('navigation', { name: /Main navigation|Navigation principale/ });

async function addFolder(harness: Harness): Promise<void> {
  await harness.services.connectors.create({ name: 'Survey files', kind: 'local', options: { root }, secrets: {} });
}

async function openScreen(page: Page, name: string, heading: string): Promise<void> {
  await nav(page).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name: heading, level: 2, exact: true })).toBeVisible();
}

async function chooseFolder(page: Page): Promise<void> {
  const choice = page.getByRole('combobox', { name: /Connector|Connecteur/ });
  // The screen remembers the connector; choosing it again would clear the choice.
  if ((await choice.inputValue()) !== 'Survey files') {
    await choice.click();
    await page.getByRole('option', { name: 'Survey files' }).click();
  }
  await expect(page.getByTestId('file-list')).toContainText('large.bin', { timeout: 30_000 });
}

/** The accessible name of the focused element (aria-label, else its text). */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '';
  });

/** Serious or critical axe violations of the page, in light and dark. */
async function seriousViolations(page: Page, harness: Harness): Promise<string[]> {
  const found: string[] = [];
  // Away from the navigation, so no hover state is measured.
  await page.mouse.move(NARROW.width - 1, NARROW.height - 1);
  for (const theme of ['light', 'dark'] as const) {
    harness.services.settings.set({ theme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme);
    const results = await new AxeBuilder({ page }).analyze();
    for (const v of results.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        found.push(`${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
  }
  harness.services.settings.set({ theme: 'light' });
  return found;
}

async function widthOf(locator: Locator): Promise<number> {
  return (await locator.boundingBox())?.width ?? 0;
}

test.describe('Layout at 1024x640', () => {
  // Several harnesses and axe runs on a shared machine.
  test.describe.configure({ timeout: 180_000 });
  test('the navigation folds to named icons, Tab skips disabled entries, the toggle is remembered', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    await page.setViewportSize(NARROW);
    await page.goto(harness.url);
    const navigation = nav(page);
    await expect(navigation.getByRole('button', { name: 'Browser', exact: true })).toBeVisible();
    // Icons only: names are accessible names, not text on screen.
    expect(await widthOf(navigation)).toBeLessThan(100);
    await expect(navigation.getByText('Browser', { exact: true })).toBeHidden();
    // Every entry is a named icon; those not built yet (if any remain) are disabled and out of the Tab order.
    const entries = navigation.getByRole('button');
    const names = await entries.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
    expect(names).toEqual(expect.arrayContaining(['Organisation', 'Connectors', 'Browser', 'Transfers', 'Settings']));
    const enabled = await entries.evaluateAll((buttons) =>
      buttons.filter((b) => b.getAttribute('aria-disabled') !== 'true').map((b) => b.getAttribute('aria-label') ?? ''),
    );
    for (const name of names.filter((n) => !enabled.includes(n))) {
      await expect(navigation.getByRole('button', { name, exact: true })).toBeDisabled();
      await expect(navigation.getByRole('button', { name, exact: true })).toHaveAttribute('tabindex', '-1');
    }
    // A tooltip names the icon under the pointer.
    await navigation.getByRole('button', { name: 'Transfers', exact: true }).hover();
    await expect(page.locator('.mantine-Tooltip-tooltip')).toHaveText('Transfers');

    // Tab from the first entry to the last visits the enabled ones only.
    await navigation.getByRole('button', { name: 'Organisation', exact: true }).focus();
    const visited = [await focusedName(page)];
    for (let i = 1; i < enabled.length; i++) {
      await page.keyboard.press('Tab');
      visited.push(await focusedName(page));
    }
    expect(visited).toEqual(enabled);
    expect(await seriousViolations(page, harness)).toEqual([]);

    // The user's choice beats the width, across a restart of the page.
    await page.getByRole('button', { name: 'Show names in the navigation' }).click();
    await expect(navigation.getByText('Browser', { exact: true })).toBeVisible();
    expect(await widthOf(navigation)).toBeGreaterThan(200);
    await expect.poll(() => harness.services.uiPreferences.get('layout.nav-folded')).toBe(false);
    await page.reload();
    await expect(nav(page).getByText('Browser', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Show icons only' }).click();
    await expect.poll(() => harness.services.uiPreferences.get('layout.nav-folded')).toBe(true);
    await page.setViewportSize(USUAL);
    await page.reload();
    await expect(nav(page).getByRole('button', { name: 'Browser', exact: true })).toBeVisible();
    await expect(nav(page).getByText('Browser', { exact: true })).toBeHidden();

    // In French, the entries are named in French.
    await setLanguage(page, harness, 'fr');
    await expect(nav(page).getByRole('button', { name: 'Explorateur', exact: true })).toBeVisible();
    await expect(nav(page).getByRole('button', { name: 'Paramètres', exact: true })).toBeVisible();
  });

  test('at 1200x800 with no choice made, the navigation shows names', async ({ page, startApp }) => {
    const harness = await startApp(options());
    await page.setViewportSize(USUAL);
    await page.goto(harness.url);
    await expect(nav(page).getByText('Browser', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Show icons only' })).toHaveAttribute('aria-expanded', 'true');
  });

  test('closing a dialog returns focus to the button that opened it', async ({ page, startApp }) => {
    const harness = await startApp(options());
    await addFolder(harness);
    await page.setViewportSize(NARROW);
    await page.goto(harness.url);

    await openScreen(page, 'Browser', 'Browser');
    await chooseFolder(page);
    const upload = page.getByRole('button', { name: 'Upload', exact: true });
    await upload.click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(upload).toBeFocused();

    await openScreen(page, 'Connectors', 'My connectors');
    const testButton = page.getByRole('button', { name: 'Test', exact: true });
    await testButton.click();
    const dialog = page.getByRole('dialog', { name: /Test of Survey files/ });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(testButton).toBeFocused();
  });

  test('sizes in kB and MB in English, ko and Mo in French; the details panel folds away', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    await addFolder(harness);
    await page.setViewportSize(NARROW);
    await page.goto(harness.url);
    await openScreen(page, 'Browser', 'Browser');
    await chooseFolder(page);
    const list = page.getByTestId('file-list');
    await expect(list.getByRole('option', { name: /small\.csv/ })).toContainText('5.3 kB');
    await expect(list.getByRole('option', { name: /large\.bin/ })).toContainText('2.4 MB');

    // Folded at this width: the list keeps the room, the button brings the panel back.
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toHaveCount(0);
    const show = page.getByRole('button', { name: 'Show details' });
    await expect(show).toHaveAttribute('aria-expanded', 'false');
    expect(await seriousViolations(page, harness)).toEqual([]);
    const listWidthFolded = await widthOf(list);
    await show.click();
    await expect(details).toBeVisible();
    expect(await widthOf(list)).toBeLessThan(listWidthFolded - 200);
    await list.getByRole('option', { name: /large\.bin/ }).click();
    await expect(page.getByTestId('details')).toContainText(/2\.4\sMB \(2,400,000\)/);
    await expect.poll(() => harness.services.uiPreferences.get('layout.details-folded')).toBe(false);

    // A long name is cut short in the list, in full in its tooltip.
    const longName = 'quarterly-survey-of-regional-water-quality-measurements-2026-final-revised-v3.csv';
    await expect(list.getByTitle(longName)).toBeVisible();

    await setLanguage(page, harness, 'fr');
    await expect(list.getByRole('option', { name: /small\.csv/ })).toContainText(/5,3\s?ko/);
    await expect(list.getByRole('option', { name: /large\.bin/ })).toContainText(/2,4\s?Mo/);
    await expect(page.getByTestId('details')).toContainText(/2,4\s?Mo/);
    await page.getByRole('button', { name: 'Masquer les détails' }).click();
    await expect(page.getByRole('complementary', { name: 'Détails' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Afficher les détails' })).toHaveAttribute('aria-expanded', 'false');
  });

  test('screenshots of the main screens at 1024x640 and 1200x800 in English and French', async ({ page, startApp }) => {
    const harness = await startApp(options());
    test.setTimeout(180_000);
    await addFolder(harness);
    await setUpWorkspace(page, harness);
    for (const lang of ['en', 'fr'] as const) {
      await setLanguage(page, harness, lang);
      for (const size of [NARROW, USUAL]) {
        await page.setViewportSize(size);
        const screens: Array<[string, string, string, (() => Promise<void>)?]> =
          lang === 'en'
            ? [
                ['organisation', 'Organisation', 'Acme'],
                ['connectors', 'Connectors', 'My connectors'],
                ['browser', 'Browser', 'Browser', () => chooseFolder(page)],
                ['transfers', 'Transfers', 'Transfers'],
                ['activity', 'Activity', 'Activity'],
                ['settings', 'Settings', 'Settings'],
              ]
            : [
                ['organisation', 'Organisation', 'Acme'],
                ['connectors', 'Connecteurs', 'Mes connecteurs'],
                ['browser', 'Explorateur', 'Explorateur', () => chooseFolder(page)],
                ['transfers', 'Transferts', 'Transferts'],
                ['activity', 'Activité', 'Activité'],
                ['settings', 'Paramètres', 'Paramètres'],
              ];
        for (const [id, name, heading, prepare] of screens) {
          await openScreen(page, name, heading);
          await prepare?.();
          await page.mouse.move(size.width - 1, size.height - 1);
          await page.screenshot({
            path: path.join(SHOTS, `layout-${id}-${size.width}x${size.height}-${lang}.png`),
            fullPage: true,
            animations: 'disabled',
          });
        }
      }
    }
  });
});
