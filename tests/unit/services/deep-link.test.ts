import { describe, expect, it } from 'vitest';
import { findDeepLinkArg, parseDeepLink } from '../../../main/services/deep-link';

describe('ferry:// links', () => {
  it.each([
    ['ferry://settings', 'settings'],
    ['ferry:///settings', 'settings'],
    ['FERRY://Transfers/123', 'transfers'],
    ['ferry://connectors?x=1', 'connectors'],
  ])('routes %s to %s', (url, screen) => {
    expect(parseDeepLink(url)).toEqual({ screen });
  });

  it.each(['ferry://nowhere', 'https://settings', 'ferry://', 'ferry://../../etc', 'garbage', 'ferry://__proto__'])(
    'ignores %s',
    (url) => {
      expect(parseDeepLink(url)).toBeUndefined();
    },
  );

  it('finds the link among command-line arguments', () => {
    expect(findDeepLinkArg(['/opt/ferry', '--flag', 'ferry://settings'])).toBe('ferry://settings');
    expect(findDeepLinkArg(['/opt/ferry'])).toBeUndefined();
  });
});
