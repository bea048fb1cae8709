import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { installLoopbackOnly, type LoopbackGuard } from '../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../servers/drive-fake/drive-fake-server';
import { expect, test } from './harness-fixture';

const CLIENT = 'desktop.apps.googleusercontent.com';

let fake: DriveFake;
let guard: LoopbackGuard;

test.beforeAll(async () => {
  guard = installLoopbackOnly();
  fake = await startDriveFake([]);
  fake.addOAuthClient({ clientId: CLIENT, clientSecret: 'desktop-secret', user: 'ana@example.com' });
});
test.afterAll(async () => {
  await fake?.stop();
  guard?.uninstall();
  expect(guard.blocked).toEqual([]);
});

const field = (page: Page, option: string) => page.locator(`input[data-option="${option}"]`);

/** Whether the loopback listener of a consent page still answers (not on "/": that would end the attempt). */
const listening = (consent: string): Promise<boolean> =>
  fetch(new URL('/favicon.ico', new URL(consent).searchParams.get('redirect_uri')!)).then(
    () => true,
    () => false,
  );

test('a Drive connector signs in with Google from the form: cancel, sign in, save; the token stays in main', async ({
  page,
  harness,
}) => {
  // Two sign-ins and a save with its test: more than the default minute on a loaded machine.
  test.setTimeout(120_000);
  await page.goto(harness.url);
  await page.getByRole('navigation').getByRole('button', { name: 'Connectors' }).click();
  await page.getByRole('button', { name: 'Add a connector' }).click();
  await page.getByRole('combobox', { name: 'Type' }).click();
  await page.getByRole('option', { name: 'Google Drive' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('My Drive');
  await page.getByRole('combobox', { name: 'Sign in with' }).click();
  await page.getByRole('option', { name: 'Google account (sign in in the browser)' }).click();

  // Disabled until a client ID is given.
  const signIn = page.getByRole('button', { name: 'Sign in with Google' });
  await expect(signIn).toBeDisabled();
  await field(page, 'clientId').fill(CLIENT);
  await field(page, 'clientSecret').fill('desktop-secret');
  await page.getByRole('button', { name: 'Advanced settings' }).press('Enter');
  await field(page, 'authorizeUrl').fill(`${fake.endpoint}/authorize`);
  await field(page, 'tokenUrl').fill(`${fake.endpoint}/token`);
  await field(page, 'apiEndpoint').fill(fake.endpoint);
  await expect(signIn).toBeEnabled();

  // Started from the keyboard; Cancel stops it and closes main's listener.
  await signIn.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for you to sign in in the browser' })).toBeVisible();
  await expect.poll(() => harness.openedLinks.length).toBe(1);
  const first = harness.openedLinks[0]!;
  expect(new URL(first).origin).toBe(fake.endpoint);
  expect(await listening(first)).toBe(true);
  await page.getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(signIn).toBeVisible();
  await expect.poll(() => listening(first)).toBe(false);

  // Again; the "browser" follows Google's page, which redirects to main's listener with the code.
  await signIn.click();
  await expect.poll(() => harness.openedLinks.length).toBe(2);
  const answer = await fetch(harness.openedLinks[1]!);
  expect(answer.status).toBe(200);
  await expect(page.getByText('Signed in as ana@example.com')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Google again' })).toBeVisible();
  expect(await listening(harness.openedLinks[1]!)).toBe(false);

  // Readable in both themes: no serious axe violation in the sign-in block.
  for (const theme of ['dark', 'light'] as const) {
    harness.services.settings.set({ theme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme);
    const results = await new AxeBuilder({ page }).include('[data-drive-sign-in]').analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
    expect(serious).toEqual([]);
    await page
      .locator('[data-drive-sign-in]')
      .screenshot({ path: `test-results/screenshots/drive-sign-in-${theme}-en.png`, animations: 'disabled' });
  }

  if (harness.services.secrets.backend === 'session') {
    await page.getByRole('checkbox', { name: /this session only/ }).check();
  }
  await page.getByRole('button', { name: 'Save and test' }).click();
  await expect.poll(async () => (await harness.services.connectors.list()).length).toBe(1);
  const [saved] = await harness.services.connectors.list();
  const token = await harness.services.secrets.get(`connector:${saved!.id}:refreshToken`);
  expect(token).toMatch(/^1\/\//);
  expect(await page.content()).not.toContain(token!);
});
