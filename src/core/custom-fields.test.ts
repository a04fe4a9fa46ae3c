import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { checkFieldValue, mergeFieldValues, type CustomFieldDefinition } from './custom-fields.ts';

const def = (d: Partial<CustomFieldDefinition> & Pick<CustomFieldDefinition, 'key' | 'type'>): CustomFieldDefinition => ({
  label: d.key,
  options: [],
  required: false,
  serviceIds: null,
  active: true,
  ...d,
});

describe('checkFieldValue', () => {
  it('accepts values of each type and refuses the wrong ones', () => {
    const cases: [CustomFieldDefinition, unknown, boolean][] = [
      [def({ key: 'a', type: 'text' }), 'hello', true],
      [def({ key: 'a', type: 'text' }), 'x'.repeat(1001), false],
      [def({ key: 'a', type: 'number' }), 3.5, true],
      [def({ key: 'a', type: 'number' }), '3', false],
      [def({ key: 'a', type: 'number' }), Number.NaN, false],
      [def({ key: 'a', type: 'select', options: ['x', 'y'] }), 'y', true],
      [def({ key: 'a', type: 'select', options: ['x', 'y'] }), 'z', false],
      [def({ key: 'a', type: 'date' }), '2026-02-28', true],
      [def({ key: 'a', type: 'date' }), '2026-13-45', false],
      [def({ key: 'a', type: 'checkbox' }), false, true],
      [def({ key: 'a', type: 'checkbox' }), 'true', false],
      [def({ key: 'a', type: 'person' }), '5f0c6a8e-9a7b-4c1d-8e2f-0123456789ab', true],
      [def({ key: 'a', type: 'person' }), 'bob', false],
    ];
    for (const [d, v, ok] of cases) expect(checkFieldValue(d, v) === null, `${d.type} ${String(v)}`).toBe(ok);
  });
});

describe('mergeFieldValues', () => {
  const defs = [def({ key: 'email', type: 'text', required: true, serviceIds: ['svc'] }), def({ key: 'n', type: 'number' })];

  it("requires a service's required fields only on that service", () => {
    expect(mergeFieldValues(defs, null, {}, { n: 1 }, true)).toEqual({ n: 1 });
    try {
      mergeFieldValues(defs, 'svc', {}, { n: 1 }, true);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).details).toEqual({ fields: { email: 'is required' } });
    }
  });

  it('clears a value with null and keeps the others', () => {
    expect(mergeFieldValues(defs, 'svc', { email: 'a@b', n: 2 }, { n: null }, false)).toEqual({ email: 'a@b' });
  });

  it("refuses fields that do not apply to the request's service", () => {
    expect(() => mergeFieldValues(defs, null, {}, { email: 'a@b' }, false)).toThrow(AppError);
  });
});
