import { describe, expect, it } from 'vitest';
import { apiBaseUrl, normaliseOrgName } from './org-name.ts';

describe('org names', () => {
  it('accepts a DNS label, lowercased and trimmed', () => {
    expect(normaliseOrgName(' Acme-Support ')).toBe('acme-support');
    expect(normaliseOrgName('a1')).toBe('a1');
    expect(normaliseOrgName('acme-support-2')).toBe('acme-support-2');
    expect(normaliseOrgName('localhost-support')).toBe('localhost-support');
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
      'xn--80ak6aa92e',
      'localhost',
      '0x7f000001',
      'acmé',
      '-acme',
      'acme-',
      '',
      'a'.repeat(64),
      'acme\n.evil',
    ]) {
      expect(normaliseOrgName(bad), bad).toBeNull();
    }
  });

  it('builds the org host, or uses the server-configured override', () => {
    expect(apiBaseUrl('acme', null)).toBe('https://acme.api.kustomerapp.com');
    expect(apiBaseUrl('acme', 'http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
  });
});
