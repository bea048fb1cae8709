import AxeBuilder from '@axe-core/playwright';
import { ADMIN, openOrganisation, sessionTokens, setLanguage, settingsFile, shoot } from './organisation-helpers';
import { expect, test } from './harness-fixture';

test.describe('First run', () => {
  test('creates the local workspace organisation and its admin, signs out and in again', async ({ page, harness }) => {
    test.setTimeout(120_000);
    await page.goto(harness.url);
    await openOrganisation(page);
    await expect(page.getByRole('heading', { name: 'Welcome to Ferry', level: 2 })).toBeVisible();
    await expect(page.getByLabel('Organisation name')).toBeVisible({ timeout: 30_000 });
    await shoot(page, 'setup', 'en');
    await page.mouse.move(600, 10); // away from the navigation (its hover colour is the frame's own concern)
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await setLanguage(page, harness, 'fr');
    await expect(page.getByRole('heading', { name: 'Bienvenue dans Ferry', level: 2 })).toBeVisible();
    await shoot(page, 'setup', 'fr');
    await setLanguage(page, harness, 'en');

    // Mistakes are explained at their field before anything is sent: every one at once, and each goes once fixed.
    await page.getByLabel('Organisation name').fill('Acme');
    await page.getByLabel('E-mail').fill('not-an-email');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await expect(page.getByLabel('Your name')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Your name')).toHaveAccessibleDescription('Fill in this field.');
    await expect(page.getByLabel('E-mail')).toHaveAccessibleDescription(/valid e-mail address/);
    await expect(page.getByLabel(/^Password/)).toHaveAccessibleDescription(/needs at least 10 characters/);
    await expect(page.getByLabel('Organisation name')).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Confirm the password').fill('something else entirely');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await expect(page.getByLabel('Confirm the password')).toHaveAccessibleDescription(/The two passwords differ/);
    await expect(page.getByLabel('E-mail')).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Confirm the password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create the organisation' }).click();

    await expect(page.getByRole('heading', { name: 'Acme', level: 2 })).toBeVisible();
    await expect(page.getByText(`Signed in as ${ADMIN.email} (Admin)`)).toBeVisible();
    const menu = page.getByRole('button', { name: /^Account and organisation/ });
    await expect(menu).toContainText(`${ADMIN.email} · Acme`);

    // The session token is in the SecretStore (the keychain under CI), never in the settings file.
    const [token] = await sessionTokens(harness);
    expect(token).toMatch(/^ferry_st_/);
    const file = settingsFile(harness);
    expect(file).toContain(ADMIN.email);
    expect(file).not.toContain(token);
    expect(file).not.toContain('ferry_st_');
    expect(file).not.toContain(ADMIN.password);

    // Sign out from the header; the account stays listed and signing in again brings the organisation back.
    await menu.click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(await sessionTokens(harness)).toEqual([]);
    await shoot(page, 'sign-in', 'en');
    await setLanguage(page, harness, 'fr');
    await shoot(page, 'sign-in', 'fr');
    await setLanguage(page, harness, 'en');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The e-mail or the password is wrong' })).toBeVisible();
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Acme', level: 2 })).toBeVisible();
  });

  test('a remote platform address must be https (plain http only on this computer)', async ({ page, harness }) => {
    await page.goto(harness.url);
    await openOrganisation(page);
    await page.getByText('Sign in', { exact: true }).first().click();
    await page.getByText('A shared platform').click();
    await page.getByLabel('Platform address').fill('http://platform.example.org');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Use https://' })).toBeVisible();
  });
});
