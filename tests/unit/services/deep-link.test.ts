import { describe, expect, it } from 'vitest';
import { findDeepLinkArg, parseDeepLink, parseJoinLink } from '../../../main/services/deep-link';

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

  const token = `ferry_inv_${'a1B2'.repeat(12)}Z`;

  it.each([
    [`ferry://join?platform=https%3A%2F%2Fferry.example.org&token=${token}`, 'https://ferry.example.org'],
    [`ferry://join/?platform=https://ferry.example.org/base/&token=${token}`, 'https://ferry.example.org/base'],
    [`FERRY://JOIN?token=${token}&platform=http%3A%2F%2F127.0.0.1%3A8750`, 'http://127.0.0.1:8750'],
  ])('turns %s into the invitation link of %s', (url, base) => {
    expect(parseJoinLink(url)).toEqual({ link: `${base}/v1/invitations/accept?token=${token}` });
    expect(parseDeepLink(url)).toBeUndefined();
  });

  it.each([
    `ferry://join?platform=https://ferry.example.org`,
    `ferry://join?platform=https://ferry.example.org&token=ferry_ses_${'a'.repeat(49)}`,
    `ferry://join?platform=https://ferry.example.org&token=${token}%26x%3D1`,
    `ferry://join?token=${token}`,
    `ferry://join?platform=javascript:alert(1)&token=${token}`,
    `ferry://join?platform=file:///etc/passwd&token=${token}`,
    `ferry://join?platform=https://user:pw@ferry.example.org&token=${token}`,
    `ferry://join?platform=https://ferry.example.org/?x=1&token=${token}`,
    `ferry://settings?platform=https://ferry.example.org&token=${token}`,
    `https://join?platform=https://ferry.example.org&token=${token}`,
    'garbage',
  ])('refuses %s as a join link', (url) => {
    expect(parseJoinLink(url)).toBeUndefined();
  });
});
