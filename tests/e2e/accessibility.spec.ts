import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './harness-fixture';

// axe-core on every built screen, in both themes: no serious or critical violation.
for (const theme of ['light', 'dark'] as const) {
  test(`Settings has no serious accessibility violation (${theme})`, async ({ page, harness }) => {
    harness.services.settings.set({ theme });
    await page.goto(harness.url);
    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious).toEqual([]);
  });
}
