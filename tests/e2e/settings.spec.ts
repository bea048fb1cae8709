import type { Page } from '@playwright/test';
import { expect, test } from './harness-fixture';

/** Opens Settings from the navigation, as a user does (Ferry opens on Organisation). */
async function openSettings(page: Page, label: 'Settings' | 'Paramètres' = 'Settings'): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: label }).click();
  await expect(page.getByRole('heading', { name: label, level: 2 })).toBeVisible();
}

/** Clicks a segmented-control option by its visible label, as a user does. */
const choose = (page: Page, label: string) => page.locator('label').getByText(label, { exact: true }).click();

test.describe('Settings', () => {
  test('a settings change persists across a reload and an app restart', async ({ page, harness, startApp }) => {
    await page.goto(harness.url);
    await openSettings(page);
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');

    await choose(page, 'Dark');
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    // Keyboard only: focus the switch and toggle it with Space.
    const tray = page.getByRole('switch', { name: /Keep Ferry running in the tray/ });
    await tray.focus();
    await page.keyboard.press('Space');
    await expect(tray).not.toBeChecked();

    await page.reload();
    await openSettings(page);
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await expect(page.getByRole('switch', { name: /Keep Ferry running in the tray/ })).not.toBeChecked();

    // A new app process on the same data folder sees the same settings.
    await harness.stop();
    const restarted = await startApp({ dataDir: harness.dataDir });
    await page.goto(restarted.url);
    await openSettings(page);
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(restarted.services.settings.get()).toMatchObject({ theme: 'dark', closeToTray: false });
  });

  test('the language switch works and screenshots record both languages', async ({ page, harness }) => {
    await page.goto(harness.url);
    await openSettings(page);
    await page.screenshot({ path: 'test-results/screenshots/settings-en.png', fullPage: true, animations: 'disabled' });

    await choose(page, 'Français');
    await expect(page.getByRole('heading', { name: 'Paramètres', level: 2 })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.getByRole('navigation').getByRole('button', { name: /Offres/ })).toBeEnabled();
    await page.screenshot({ path: 'test-results/screenshots/settings-fr.png', fullPage: true, animations: 'disabled' });

    await choose(page, 'Sombre');
    await page.screenshot({
      path: 'test-results/screenshots/settings-fr-dark.png',
      fullPage: true,
      animations: 'disabled',
    });

    await choose(page, 'English');
    await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible();
  });

  test('the interface follows the OS language when set to System', async ({ page, startApp }) => {
    const french = await startApp({ locale: 'fr-CA' });
    await page.goto(french.url);
    await openSettings(page, 'Paramètres');
    await expect(page.getByRole('radio', { name: 'Système' }).first()).toBeChecked();
  });

  test('a change made in main (menu, tray) reaches the open page', async ({ page, harness }) => {
    await page.goto(harness.url);
    await openSettings(page);
    harness.services.settings.set({ language: 'fr' });
    await expect(page.getByRole('heading', { name: 'Paramètres', level: 2 })).toBeVisible();
  });
});

test.describe('Navigation', () => {
  test('Ferry opens on Organisation, and a ferry:// link (app.navigate from main) shows its screen', async ({
    page,
    harness,
  }) => {
    await page.goto(harness.url);
    await expect(page.getByRole('navigation').getByRole('button', { name: 'Organisation' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    harness.emit('app.navigate', { screen: 'settings' });
    await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible();
    harness.emit('app.navigate', { screen: 'offers' });
    await expect(page.getByRole('heading', { name: 'Offers', level: 2 })).toBeVisible();
  });
});

test.describe('IPC validation', () => {
  test('an invalid payload is refused with the typed error and changes nothing', async ({ page, harness }) => {
    await page.goto(harness.url);
    await openSettings(page);
    const refused = await page.evaluate(() => window.ferry.invoke('settings.set', { theme: 42, extra: true }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(JSON.stringify(refused)).toContain('theme');
    const unknown = await page.evaluate(() => window.ferry.invoke('settings.drop', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UnknownChannel' } });
    const link = await page.evaluate(() => window.ferry.invoke('app.openExternal', { url: 'file:///etc/passwd' }));
    expect(link).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(harness.openedLinks).toEqual([]);
    expect(harness.services.settings.get().theme).toBe('system');
    // The page still works after the refusals.
    await choose(page, 'Dark');
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  });

  test('the CSP blocks inline scripts and remote content', async ({ page, harness }) => {
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(harness.url);
    await openSettings(page);
    const injected = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = true';
      document.head.appendChild(s);
      return (window as unknown as { __pwned?: boolean }).__pwned ?? false;
    });
    expect(injected).toBe(false);
    const remote = await page.evaluate(() =>
      fetch('https://example.com/').then(
        () => 'fetched',
        () => 'blocked',
      ),
    );
    expect(remote).toBe('blocked');
    expect(violations.length).toBeGreaterThan(0);
  });
});
