import { describe, expect, it } from 'vitest';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { applicableFields, inputToValue, valuesForCreate } from './custom-field-values.ts';

const field = (key: string, extra: Partial<CustomField> = {}): CustomField => ({
  id: key,
  key,
  label: key,
  type: 'text',
  options: [],
  required: false,
  serviceIds: null,
  position: 0,
  active: true,
  ...extra,
});

describe('custom field values', () => {
  const defs = [
    field('everywhere', { position: 2 }),
    field('laptops', { serviceIds: ['hw'], position: 1 }),
    field('retired', { active: false }),
    field('count', { type: 'number' }),
  ];

  it('shows active fields that apply to the chosen service, in position order', () => {
    expect(applicableFields(defs, null).map((f) => f.key)).toEqual(['count', 'everywhere']);
    expect(applicableFields(defs, 'hw').map((f) => f.key)).toEqual(['count', 'laptops', 'everywhere']);
  });

  it('turns input into values and keeps only applicable, filled ones', () => {
    expect(inputToValue({ type: 'number' }, '42')).toBe(42);
    expect(inputToValue({ type: 'number' }, '')).toBeNull();
    expect(inputToValue({ type: 'text' }, 'hi')).toBe('hi');
    expect(valuesForCreate(defs, null, { everywhere: 'a', laptops: 'b', count: null })).toEqual({ everywhere: 'a' });
  });
});
