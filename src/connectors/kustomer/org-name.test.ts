import { describe, expect, it } from 'vitest';
import { apiBaseUrl, normaliseOrgName } from './org-name.ts';

describe('org names', () => {
  it('accepts a DNS label, lowercased and trimmed', () => {
    expect(normaliseOrgName(' Acme-Support ')).toBe('acme-support');
    expect(normaliseOrgName('a1')).toBe('a1');
  });

  it('refuses anything that could change the host Bridgedesk calls', () => {
    for (const bad of [
      'acme.evil.com',
      'evil.com/',
      'acme@evil',
      'user:pass@evil',
      'acme:8080',
      '127.0.0.1',
      '[::1]',
      '10',
      'acme/../x',
      'acme#x',
      'acme?x',
      'ａｃｍｅ',
      'xn--acm-fla',
      'acmé',
      '-acme',
      'acme-',
      '',
      'a'.repeat(64),
      'acme\n.evil',
    ]) {
      const name = normaliseOrgName(bad);
      if (name !== null) expect(new URL(apiBaseUrl(name, null)).host).toBe(`${name}.api.kustomerapp.com`);
      if (!['xn--acm-fla'].includes(bad)) expect(name, bad).toBeNull();
    }
  });

  it('builds the org host, or uses the server-configured override', () => {
    expect(apiBaseUrl('acme', null)).toBe('https://acme.api.kustomerapp.com');
    expect(apiBaseUrl('acme', 'http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
  });
});
