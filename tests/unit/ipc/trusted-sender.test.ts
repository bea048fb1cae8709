import { describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from '../../../main/ipc/trusted-sender';

describe('isTrustedSenderUrl', () => {
  it('accepts Ferry’s own page in the packaged app and on the dev server', () => {
    expect(isTrustedSenderUrl('app://ferry/index.html', 'app://ferry/index.html')).toBe(true);
    expect(isTrustedSenderUrl('app://ferry/index.html#/settings', 'app://ferry/index.html')).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
  });

  it.each([
    [undefined, 'app://ferry/index.html'],
    ['', 'app://ferry/index.html'],
    ['https://evil.example/', 'app://ferry/index.html'],
    ['app://evil/index.html', 'app://ferry/index.html'],
    ['http://localhost:5174/', 'http://localhost:5173/'],
    ['file:///tmp/other.html', 'file:///app/out/renderer/index.html'],
    ['devtools://devtools/bundled/x.html', 'app://ferry/index.html'],
    ['not a url', 'app://ferry/index.html'],
  ])('refuses %s', (sender, renderer) => {
    expect(isTrustedSenderUrl(sender, renderer)).toBe(false);
  });
});
