import { describe, expect, it, vi } from 'vitest';
import { ExternalLinkService, validateExternalUrl } from '../../../main/services/external-link';

describe('external links', () => {
  it('opens plain https links', async () => {
    const opener = vi.fn(async () => {});
    const service = new ExternalLinkService(opener);
    await expect(service.open('https://example.com/docs?q=1')).resolves.toEqual({ opened: true });
    expect(opener).toHaveBeenCalledWith('https://example.com/docs?q=1');
  });

  it.each([
    ['http://example.com', 'https'],
    ['file:///etc/passwd', 'https'],
    ['javascript:alert(1)', 'https'],
    ['smb://server/share', 'https'],
    ['https://user:pw@example.com/', 'credentials'],
    ['not a link', 'valid'],
    ['', 'valid'],
  ])('refuses %s', (url, reason) => {
    expect(() => validateExternalUrl(url)).toThrow(new RegExp(reason, 'i'));
  });
});
