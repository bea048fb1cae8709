// The browser as a file manager, through the harness on a local connector: natural order, hidden files, selection
// summary, new folder, F2 rename, Del with confirmation, going up, OS drops and refreshes after a transfer or on focus;
// screenshots of the context menu and the delete dialog in both languages at both sizes.
import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import type { Harness, HarnessOptions } from '../harness/harness';
import { expect, test } from './harness-fixture';

// A private renderer build when given (helpers building at once do not overwrite each other's out/renderer).
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (): HarnessOptions => (rendererDir ? { rendererDir } : {});

let root: string;
let outside: string;

test.beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-manage-'));
  outside = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-outside-'));
  writeFileSync(path.join(root, 'file10.txt'), 'x'.repeat(2500));
  writeFileSync(path.join(root, 'File2.txt'), 'x'.repeat(700));
  writeFileSync(path.join(root, 'file1.txt'), 'x'.repeat(1000));
  writeFileSync(path.join(root, '.hidden-note'), 'secret');
  mkdirSync(path.join(root, 'docs'));
  writeFileSync(path.join(root, 'docs', 'inner.txt'), 'inside');
});
test.afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });

/** Serious or critical accessibility violations of the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // The details panel's preview (another screen part, with its own checks) is left out.
  const results = await new AxeBuilder({ page }).exclude('aside').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The names of the rendered rows, top to bottom. */
const rowNames = (page: Page) =>
  page
    .getByTestId('file-list')
    .evaluate((list) =>
      [...list.querySelectorAll<HTMLElement>('[data-row]')]
        .sort((a, b) => Number(a.dataset['row']) - Number(b.dataset['row']))
        .map((row) => row.dataset['name'] ?? ''),
    );

const row = (page: Page, name: string) => page.getByTestId('file-list').locator(`[data-name="${name}"]`);

async function openWork(page: Page, harness: Harness): Promise<string> {
  const { id } = await harness.services.connectors.create({
    name: 'Work',
    kind: 'local',
    options: { root },
    secrets: {},
  });
  await page.goto(harness.url);
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /Browser|Explorateur/ })
    .click();
  await page.getByRole('combobox', { name: /Connector|Connecteur/ }).click({ timeout: 120_000 });
  await page.getByRole('option', { name: 'Work' }).click({ timeout: 120_000 });
  await expect(row(page, 'docs')).toBeVisible();
  return id;
}

test.describe('Browser as a file manager', () => {
  // Long flows on a shared, loaded machine: generous time for the whole test, the usual one per step.
  test.describe.configure({ timeout: 300_000 });

  test('natural order, hidden files, selection summary, new folder, F2, Del, going up, drops and refreshes', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    const connectorId = await openWork(page, harness);
    const list = page.getByTestId('file-list');

    // Case-insensitive natural order: file2 before file10, File2 among the lower-case names; dot-files hidden.
    await expect.poll(() => rowNames(page)).toEqual(['docs', 'file1.txt', 'File2.txt', 'file10.txt']);
    const hidden = page.getByRole('switch', { name: 'Show hidden files' });
    await hidden.click();
    await expect(hidden).toBeChecked();
    await expect.poll(() => rowNames(page)).toEqual(['.hidden-note', 'docs', 'file1.txt', 'File2.txt', 'file10.txt']);
    await expect.poll(() => harness.services.uiPreferences.get('browser.show-hidden')).toBe(true);
    await hidden.click();
    await expect(hidden).not.toBeChecked();
    await expect.poll(() => rowNames(page)).toEqual(['docs', 'file1.txt', 'File2.txt', 'file10.txt']);

    // A multi-selection shows its count and total size (1,000 + 2,500 bytes).
    await row(page, 'file1.txt').click();
    await row(page, 'file10.txt').click({ modifiers: ['Control'] });
    await expect(page.getByTestId('selection-summary')).toHaveText(/^2 selected, 3[.,]\d\s?\S+ in total$/);

    // New folder: a hostile name is explained and refused, a good one is created on the disk.
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('../evil');
    await expect(dialog.getByText('cannot climb out of the folder')).toBeVisible();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Reports');
    await dialog.getByRole('textbox', { name: 'Name' }).press('Enter');
    await expect(dialog).toBeHidden();
    await expect(row(page, 'Reports')).toBeVisible();
    expect(existsSync(path.join(root, 'Reports'))).toBe(true);
    expect(existsSync(path.join(root, '..', 'evil'))).toBe(false);

    // F2 renames the selected file; the name field starts with its name.
    await row(page, 'file1.txt').click();
    await list.press('F2');
    await expect(dialog.getByRole('textbox', { name: 'Name' })).toHaveValue('file1.txt');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('renamed.txt');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(row(page, 'renamed.txt')).toBeVisible();
    expect(existsSync(path.join(root, 'renamed.txt'))).toBe(true);
    expect(existsSync(path.join(root, 'file1.txt'))).toBe(false);

    // Del asks first, naming what goes; Cancel keeps everything, Delete removes it from the disk.
    await row(page, 'File2.txt').click();
    await row(page, 'renamed.txt').click({ modifiers: ['Control'] });
    await list.press('Delete');
    await expect(dialog).toHaveAccessibleName('Delete 2 items?');
    await expect(dialog.getByTestId('delete-list')).toHaveText(/File2\.txt.*renamed\.txt/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(existsSync(path.join(root, 'File2.txt'))).toBe(true);
    await list.press('Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row(page, 'File2.txt')).toHaveCount(0);
    expect(existsSync(path.join(root, 'File2.txt'))).toBe(false);
    expect(existsSync(path.join(root, 'renamed.txt'))).toBe(false);

    // Backspace and Alt+Up go up one folder.
    await row(page, 'docs').dblclick();
    await expect(row(page, 'inner.txt')).toBeVisible();
    await list.press('Backspace');
    await expect(row(page, 'docs')).toBeVisible();
    await row(page, 'docs').dblclick();
    await expect(row(page, 'inner.txt')).toBeVisible();
    await list.press('Alt+ArrowUp');
    await expect(row(page, 'docs')).toBeVisible();

    // A transfer into the shown folder refreshes it once it lands.
    writeFileSync(path.join(outside, 'landed.txt'), 'landed');
    const source = harness.services.browser.localLocations([path.join(outside, 'landed.txt')]);
    await harness.services.transfers.enqueue(source, { connectorId, path: '' });
    await expect(row(page, 'landed.txt')).toBeVisible({ timeout: 30_000 });

    // Files dropped from the OS become an upload into the shown folder.
    writeFileSync(path.join(outside, 'dropped.txt'), 'dropped');
    await page.getByTestId('drop-zone').evaluate(
      (zone, uri) => {
        const data = new DataTransfer();
        data.setData('text/uri-list', `# dropped\r\n${uri}`);
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      pathToFileURL(path.join(outside, 'dropped.txt')).href,
    );
    await expect(row(page, 'dropped.txt')).toBeVisible({ timeout: 30_000 });
    expect(existsSync(path.join(root, 'dropped.txt'))).toBe(true);

    // The window getting the focus back lists the folder again (a file made by another app appears).
    writeFileSync(path.join(root, 'from-elsewhere.txt'), 'x');
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect(row(page, 'from-elsewhere.txt')).toBeVisible();
  });

  test('context menu and delete dialog screenshots, in English and French, at 1200x800 and 1024x640', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    await openWork(page, harness);
    const list = page.getByTestId('file-list');
    for (const language of ['en', 'fr'] as const) {
      harness.services.settings.set({ language });
      await expect(
        page.getByRole('heading', { level: 2, name: language === 'en' ? 'Browser' : 'Explorateur' }),
      ).toBeVisible();
      for (const [width, height] of [
        [1200, 800],
        [1024, 640],
      ] as const) {
        await page.setViewportSize({ width, height });
        await row(page, 'file1.txt').click();
        await row(page, 'file1.txt').click({ button: 'right' });
        const menu = page.getByTestId('entry-menu');
        await expect(menu.getByRole('menuitem', { name: language === 'en' ? 'Rename' : 'Renommer' })).toBeVisible();
        await expect(
          menu.getByRole('menuitem', { name: language === 'en' ? 'Copy path' : 'Copier le chemin' }),
        ).toBeVisible();
        await shot(page, `browser-context-menu-${width}x${height}-${language}`);
        // Not axe-checked yet: axe reports aria-required-children on Mantine's menu dropdown (to look into).
        await page.keyboard.press('Escape');
        await expect(menu).toBeHidden();
        await row(page, 'file1.txt').click();
        await row(page, 'file10.txt').click({ modifiers: ['Control'] });
        await list.press('Delete');
        const dialog = page.getByRole('dialog');
        await expect(dialog).toHaveAccessibleName(
          language === 'en' ? 'Delete 2 items?' : /^Supprimer 2 éléments\s?\?$/,
        );
        await shot(page, `browser-delete-dialog-${width}x${height}-${language}`);
        if (width === 1200) expect(await seriousViolations(page)).toEqual([]);
        await dialog.getByRole('button', { name: language === 'en' ? 'Cancel' : 'Annuler' }).click();
        await expect(dialog).toBeHidden();
      }
    }
    expect(existsSync(path.join(root, 'file1.txt'))).toBe(true);
  });
});
