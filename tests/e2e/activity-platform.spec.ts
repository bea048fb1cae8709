// Activity, the platform's side: a real notification made by the local workspace's platform (an offer whose source
// folder is missing, scanned three times: platform/imports/scan-run.ts tells the admins), worded in English and
// French, marked read (the unread counts drop, the navigation's badge too), all read, the source filter, refresh on
// focus, signed out.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AVAILABLE_SCREENS } from '../../shared/screens';
import type { Harness, HarnessOptions } from '../harness/harness';
import { expect, test } from './harness-fixture';
import { ADMIN, setLanguage, setUpWorkspace } from './organisation-helpers';

// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (extra: HarnessOptions = {}): HarnessOptions => ({ ...(rendererDir ? { rendererDir } : {}), ...extra });

const USUAL = { width: 1200, height: 800 };
const NARROW = { width: 1024, height: 640 };
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

/** Both sizes of the issue, in the given language, into docs/screenshots (no horizontal scroll at either). */
async function shoot(page: Page, name: string, lang: 'en' | 'fr'): Promise<void> {
  for (const [size, viewport] of [
    ['1200x800', USUAL],
    ['1024x640', NARROW],
  ] as const) {
    await page.setViewportSize(viewport);
    // Measured once the layout settled: below 1100 px the navigation folds, with a short width transition.
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), {
        message: `${name} ${size}`,
      })
      .toBeLessThanOrEqual(0);
    await page.screenshot({
      path: path.join(SHOTS, `${name}-${size}-${lang}.png`),
      fullPage: true,
      animations: 'disabled',
    });
  }
  await page.setViewportSize(USUAL);
}

// The Activity entry of the navigation: its name carries the unread count once there is one ("Activity, 2 unread").
const activityEntry = (page: Page, label = 'Activity') =>
  page.getByRole('navigation').getByRole('button', { name: new RegExp(`^${label}(, \\d+ [^,]+)?$`) });

const openActivity = async (page: Page, label = 'Activity') => {
  await activityEntry(page, label).click();
  await expect(page.getByRole('heading', { name: label, level: 2 })).toBeVisible();
};

/** Calls main through the page's bridge, as the renderer does; the value, or the test fails with main's error. */
async function api<T>(page: Page, method: string, input: unknown): Promise<T> {
  const result = await page.evaluate(([m, i]) => window.ferry.invoke(m as string, i), [method, input] as const);
  expect(result, method).toMatchObject({ ok: true });
  return (result as { value: T }).value;
}

/**
 * A subscription offer reading a folder that is not on its organisation connector, scanned by hand three times:
 * each scan fails ("cannot be found"), and the third in a row makes the platform notify the admins.
 */
async function failingScans(page: Page, connectorId: string, title: string): Promise<void> {
  const offer = await api<{ id: string }>(page, 'offers.create', {
    body: {
      title,
      kind: 'subscription',
      subscription: { source: { type: 'connector', connectorId, folder: 'not-there' } },
    },
  });
  for (let n = 0; n < 3; n++) {
    const run = await api<{ id: string }>(page, 'imports.scan', { params: { offerId: offer.id } });
    await expect
      .poll(
        async () =>
          (
            await api<{ status: string }>(page, 'imports.get', {
              params: { offerId: offer.id, importId: run.id },
            })
          ).status,
        { timeout: 30_000 },
      )
      .toBe('failed');
  }
}

// The platform section's table (the agent's has its own name).
const notices = (page: Page, name = 'Platform notifications, newest first') =>
  page.getByRole('table', { name }).locator('tbody tr');
const sourceChoice = (page: Page, name = 'Source') => page.getByRole('radiogroup', { name });
// One choice of the source control, by its label's start (the platform's carries its unread count).
const source = (page: Page, label: RegExp) => sourceChoice(page).locator('label').filter({ hasText: label });

test.describe('Activity: the platform’s notifications', () => {
  test('a real notification from the platform in English and French, marked read, all read, by source', async ({
    page,
    startApp,
  }) => {
    test.setTimeout(240_000);
    const harness: Harness = await startApp(options());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-activity-platform-'));
    try {
      mkdirSync(SHOTS, { recursive: true });
      await page.setViewportSize(USUAL);
      // No platform account yet: the section says what to do, not an empty list.
      await page.goto(harness.url);
      await openActivity(page);
      await expect(page.getByText('Not connected to a platform')).toBeVisible();
      await shoot(page, 'activity-platform-no-account', 'en');
      await setLanguage(page, harness, 'fr');
      await expect(page.getByText('Pas de plateforme connectée')).toBeVisible();
      await expect(page.getByText('{{')).toHaveCount(0);
      await shoot(page, 'activity-platform-no-account', 'fr');
      await setLanguage(page, harness, 'en');
      // No account, no count: the navigation entry is plain.
      await expect(page.getByTestId('nav-unread-badge')).toHaveCount(0);
      await page.getByRole('button', { name: 'Open Organisation' }).click();
      await expect(page.getByRole('heading', { name: 'Activity', level: 2 })).toHaveCount(0);

      await setUpWorkspace(page, harness);
      await openActivity(page);
      await expect(page.getByText('No notifications from the platform')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Mark all read' })).toBeDisabled();

      // Two real notifications: two offers whose scans keep failing.
      const connector = await api<{ id: string }>(page, 'orgConnectors.create', {
        body: { name: 'Sales share', kind: 'local', options: { root: dir }, secrets: {} },
      });
      await failingScans(page, connector.id, 'Weekly sales');
      // Read again on focus (the window comes back to the front): the first one shows without a reload.
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await expect(notices(page)).toHaveCount(1);
      await failingScans(page, connector.id, 'Daily weather');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(notices(page)).toHaveCount(2);

      const newest = notices(page).first();
      await expect(newest).toContainText(
        'The scan of offer “Daily weather” failed 3 times in a row. Nothing was removed from the offer; scans go on at each interval.',
      );
      await expect(newest).toContainText('Platform');
      await expect(newest).toContainText('New');
      await expect(notices(page).last()).toContainText('“Weekly sales”');
      await expect(page.getByTestId('platform-unread')).toHaveText('2 unread');
      await expect(sourceChoice(page).getByText('2', { exact: true })).toBeVisible();
      // The navigation's Activity entry shows the unread count, named with it, also folded to icons below 1100 px.
      const nav = page.getByRole('navigation');
      await expect(nav.getByRole('button', { name: 'Activity, 2 unread', exact: true })).toBeVisible();
      await expect(nav.getByTestId('nav-unread-badge')).toHaveText('2');
      await page.setViewportSize(NARROW);
      await expect(page.getByRole('navigation')).toHaveAttribute('data-folded', 'true');
      await expect(nav.getByRole('button', { name: 'Activity, 2 unread', exact: true })).toBeVisible();
      await expect(nav.getByTestId('nav-unread-badge')).toBeVisible();
      await expect(nav.getByTestId('nav-unread-badge')).toHaveText('2');
      await page.setViewportSize(USUAL);
      await shoot(page, 'activity-platform', 'en');

      // In French: the sentence, the counts and the buttons.
      await setLanguage(page, harness, 'fr');
      const frTable = 'Notifications de la plateforme, les plus récentes d’abord';
      await expect(notices(page, frTable).first()).toContainText(
        'L’analyse de l’offre «\u202fDaily weather\u202f» a échoué 3 fois d’affilée. Rien n’a été retiré de l’offre\u202f; les analyses continuent à chaque intervalle.',
      );
      await expect(page.getByTestId('platform-unread')).toHaveText('2 non lues');
      await expect(page.getByRole('button', { name: 'Tout marquer comme lu' })).toBeEnabled();
      await expect(page.getByText('{{')).toHaveCount(0);
      await expect(nav.getByRole('button', { name: 'Activité, 2 non lues', exact: true })).toBeVisible();
      await shoot(page, 'activity-platform', 'fr');
      await setLanguage(page, harness, 'en');

      // The way to the offer: a link to the Offers screen once it is built (none to a screen that would not open).
      if (AVAILABLE_SCREENS.has('offers')) {
        await newest.getByRole('button', { name: 'Open Offers' }).click();
        await expect(page.getByRole('heading', { name: 'Offers', level: 2 })).toBeVisible();
        await openActivity(page);
      } else {
        await expect(newest.getByRole('button', { name: /^Open / })).toHaveCount(0);
      }

      // Mark the newest read: the counts drop, the platform knows it.
      await newest.getByRole('button', { name: /^Mark read: The scan of offer “Daily weather”/ }).click();
      await expect(page.getByTestId('platform-unread')).toHaveText('1 unread');
      await expect(nav.getByRole('button', { name: 'Activity, 1 unread', exact: true })).toBeVisible();
      await expect(sourceChoice(page).getByText('1', { exact: true })).toBeVisible();
      await expect(notices(page).first()).not.toContainText('New');
      await expect(
        notices(page)
          .first()
          .getByRole('button', { name: /^Mark read/ }),
      ).toHaveCount(0);
      const page1 = await api<{ unread: number; items: { readAt: string | null }[] }>(page, 'notifications.list', {
        query: { limit: 10, offset: 0, unread: 'false' },
      });
      expect(page1.unread).toBe(1);
      expect(page1.items.map((i) => i.readAt !== null)).toEqual([true, false]);

      // Unread only: the other one alone.
      await page.getByRole('switch', { name: 'Unread only' }).check();
      await expect(notices(page)).toHaveCount(1);
      await expect(notices(page).first()).toContainText('“Weekly sales”');

      // Source: the sync agent only hides the notifications, the platform only hides the agent.
      await source(page, /^Sync agent$/).click();
      await expect(page.getByRole('table', { name: 'Platform notifications, newest first' })).toHaveCount(0);
      await expect(page.getByRole('status').getByText(/^Sync agent · /)).toBeVisible();
      await source(page, /^Platform/).click();
      await expect(notices(page)).toHaveCount(1);
      await expect(page.getByRole('status').getByText(/^Sync agent · /)).toHaveCount(0);

      // All read: nothing unread is left, said as such; the badge is gone.
      await page.getByRole('button', { name: 'Mark all read' }).click();
      await expect(page.getByText('Nothing unread: every notification has been read.')).toBeVisible();
      await expect(page.getByTestId('platform-unread')).toHaveCount(0);
      await expect(nav.getByTestId('nav-unread-badge')).toHaveCount(0);
      await expect(nav.getByRole('button', { name: 'Activity', exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
      await page.getByRole('button', { name: 'Show all' }).click();
      await expect(notices(page)).toHaveCount(2);
      await source(page, /^All$/).click();

      // No serious axe violation with both sections.
      await page.mouse.move(1100, 780);
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      expect(serious).toEqual([]);

      // Signed out: what to do, not an empty list.
      const state = await harness.services.platform.state();
      await api(page, 'platform.signOut', { accountId: state.activeAccountId });
      await page.reload();
      await openActivity(page);
      await expect(page.getByText(`Signed out of ${ADMIN.email}`)).toBeVisible();
      await expect(page.getByText('Sign in again from the account menu at the top right')).toBeVisible();
      await shoot(page, 'activity-platform-signed-out', 'en');
      await setLanguage(page, harness, 'fr');
      await expect(page.getByText(`Déconnecté de ${ADMIN.email}`)).toBeVisible();
      await shoot(page, 'activity-platform-signed-out', 'fr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
