import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { offeredProvider, offeredProviders, PROVIDERS } from './registry.ts';

const folders = readdirSync(new URL('.', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'kit')
  .map((d) => d.name);

describe('the destination registry', () => {
  it('registers every connector folder, under its folder name, and nothing else', () => {
    expect(folders.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(PROVIDERS).sort()).toEqual([...folders].sort());
    for (const [id, p] of Object.entries(PROVIDERS)) expect(p.id, id).toBe(id);
  });

  it('offers test-only destinations only when the configuration turns them on', () => {
    expect(offeredProviders({ testDestinations: false })).toEqual(['kustomer']);
    expect(offeredProviders({ testDestinations: true })).toEqual(['kustomer', 'test-desk']);
    expect(offeredProvider('test-desk', { testDestinations: false })).toBeNull();
    expect(offeredProvider('test-desk', { testDestinations: true })).toBe('test-desk');
    expect(offeredProvider('constructor', { testDestinations: true })).toBeNull();
  });
});
