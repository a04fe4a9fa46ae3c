/**
 * The org name is the only user input that shapes the Kustomer host Bridgedesk calls (https://<org>.api.kustomerapp.com).
 * Names that try to leave that host, or to pass for another org, are refused by the connect API with a 4xx in the
 * one error shape, before any call to Kustomer is made (the emulator's call log stays empty).
 */
import { describe, expect, it } from 'vitest';
import { createTestAppWithEmulator } from '../support/test-app.ts';

const { emulator, demo, t } = await createTestAppWithEmulator();
const admin = await t.createUser('admin');
const path = '/api/v1/integrations/kustomer';

const HOSTILE: Record<string, string[]> = {
  dots: ['acme.evil.com', 'acme.', '.acme', 'acme..evil', 'evil.com#.acme', 'acme。evil'],
  credentials: ['acme@evil.com', 'user:pass@evil', '@evil.com', 'acme%40evil.com'],
  ports: ['acme:8080', 'acme:443', ':80', 'evil.com:443'],
  'IP literals': ['127.0.0.1', '10.0.0.1', '169.254.169.254', '[::1]', '::1', '[fe80::1]', '0x7f000001', '2130706433', '0177.0.0.1', '10'],
  localhost: ['localhost', 'LOCALHOST', 'localhost:4010', 'localhost.localdomain'],
  slashes: ['acme/', '/acme', 'acme/../x', 'evil.com/acme', 'acme\\evil', '//evil.com', 'acme?x=1', 'acme#x'],
  'percent-encoding': ['acme%2eevil.com', '%61cme', 'acme%00', 'acme%2fevil', 'acme%3a8080'],
  'unicode and punycode lookalikes': ['ａｃｍｅ', 'аcme', 'acmé', 'acme\u200b', 'ac\u00adme', 'xn--acm-fla', 'xn--80ak6aa92e', 'XN--ACM-FLA'],
  whitespace: ['acme evil', 'acme\n.evil', 'acme\tevil', 'acme\r\nHost: evil'],
  'bad dashes': ['-acme', 'acme-', '--'],
  empty: ['', '   ', '\n'],
  'too long': ['a'.repeat(64), 'a'.repeat(101), 'a'.repeat(10_000)],
};

describe('org names that try to escape the Kustomer host', () => {
  for (const [kind, names] of Object.entries(HOSTILE)) {
    it(`refuses ${kind} with a 4xx in the one error shape, without calling Kustomer`, async () => {
      emulator.control.clearCalls();
      for (const orgName of names) {
        const r = await t.api(admin, 'PUT', path, { orgName, apiKey: demo.apiKey });
        const label = `${JSON.stringify(orgName)} → ${r.status} ${JSON.stringify(r.body)}`;
        expect([400, 422], label).toContain(r.status);
        expect(Object.keys(r.body), label).toEqual(['error']);
        expect(r.body.error, label).toMatchObject({ code: expect.stringMatching(/^(validation_failed|unprocessable)$/), message: expect.any(String) });
        expect(JSON.stringify(r.body.error.details ?? {}), label).toMatch(/orgName/);
      }
      expect(emulator.control.calls(), 'no call reached Kustomer').toEqual([]);
      expect((await t.api(admin, 'GET', path)).body.status, 'nothing was stored').toBe('not_connected');
    });
  }

  it('says what an org name must be', async () => {
    const r = await t.api(admin, 'PUT', path, { orgName: 'acme.evil.com', apiKey: demo.apiKey });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/letters, digits and dashes/);
    expect(r.body.error.details).toEqual({ field: 'orgName' });
  });

  it('accepts a plain org name (any case, surrounding spaces trimmed) and calls Kustomer for it', async () => {
    emulator.control.clearCalls();
    const r = await t.api(admin, 'PUT', path, { orgName: '  ACME ', apiKey: demo.apiKey });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.orgName).toBe('acme');
    expect(emulator.control.calls().length).toBeGreaterThan(0);
    expect(emulator.control.calls().every((c) => c.org === 'acme')).toBe(true);
  });
});
