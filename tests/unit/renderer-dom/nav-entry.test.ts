// The navigation entries: named icons when folded, and a screen not built yet stays out of the Tab order (Mantine's
// NavLink only marks it data-disabled, which leaves the button focusable).
import { MantineProvider } from '@mantine/core';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { Screen } from '../../../shared/screens';
import { NavEntry } from '../../../renderer/src/frame/app-frame';
import { i18n } from '../../../renderer/src/i18n/i18n';

function render(screen: Screen, folded: boolean, available: boolean): HTMLButtonAttributes {
  const html = renderToStaticMarkup(
    h(I18nextProvider, { i18n }, h(MantineProvider, null, h(NavEntry, { screen, folded, available }))),
  );
  const button = /<button[^>]*>/.exec(html)?.[0] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(button)?.[1];
  return {
    html,
    tabIndex: attr('tabindex'),
    ariaLabel: attr('aria-label'),
    ariaDisabled: attr('aria-disabled'),
  };
}

interface HTMLButtonAttributes {
  readonly html: string;
  readonly tabIndex: string | undefined;
  readonly ariaLabel: string | undefined;
  readonly ariaDisabled: string | undefined;
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('NavEntry', () => {
  it('keeps an entry not built yet out of the Tab order, folded or not', () => {
    for (const folded of [false, true]) {
      const entry = render('offers', folded, false);
      expect(entry.tabIndex).toBe('-1');
      expect(entry.ariaDisabled).toBe('true');
    }
  });

  it('leaves a built entry in the Tab order', () => {
    const entry = render('browser', true, true);
    expect(entry.tabIndex).toBeUndefined();
    expect(entry.ariaDisabled).toBeUndefined();
  });

  it('names a folded entry by aria-label, in the UI language, with no visible label', async () => {
    const folded = render('browser', true, true);
    expect(folded.ariaLabel).toBe('Browser');
    expect(folded.html).not.toContain('>Browser<');
    const wide = render('browser', false, true);
    expect(wide.ariaLabel).toBeUndefined();
    expect(wide.html).toContain('>Browser<');
    await i18n.changeLanguage('fr');
    expect(render('browser', true, true).ariaLabel).toBe('Explorateur');
  });
});
