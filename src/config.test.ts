import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('destination configuration', () => {
  it("reads each destination's transport from variables named for its id, KUSTOMER_* as before", () => {
    const c = loadConfig({
      KUSTOMER_BASE_URL: 'http://emulator.test:4010/',
      KUSTOMER_WEB_URL: 'http://emulator.test:4010',
      KUSTOMER_TIMEOUT_MS: '5000',
      KUSTOMER_RATE_WINDOW_MS: '2000',
      TEST_DESK_TIMEOUT_MS: '1234',
    });
    expect(c.destinations.kustomer).toEqual({ baseUrl: 'http://emulator.test:4010', webUrl: 'http://emulator.test:4010', timeoutMs: 5000, rateWindowMs: 2000 });
    expect(c.destinations['test-desk']).toEqual({ baseUrl: null, webUrl: null, timeoutMs: 1234, rateWindowMs: 60_000 });
  });

  it('names the variable of a bad destination setting, with the other problems', () => {
    const err = (() => {
      try {
        loadConfig({ KUSTOMER_TIMEOUT_MS: 'soon', PORT: 'x' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual([expect.stringMatching(/^PORT: /), expect.stringMatching(/^KUSTOMER_TIMEOUT_MS: /)]);
  });

  it('offers test destinations only when BRIDGEDESK_TEST_DESTINATIONS is on', () => {
    expect(loadConfig({}).testDestinations).toBe(false);
    expect(loadConfig({ BRIDGEDESK_TEST_DESTINATIONS: '1' }).testDestinations).toBe(true);
  });
});
