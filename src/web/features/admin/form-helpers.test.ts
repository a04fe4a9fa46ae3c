import { describe, expect, it } from 'vitest';
import { changedFields, orNull } from './form-helpers.ts';

describe('admin form helpers', () => {
  it('sends only what changed', () => {
    expect(changedFields({ name: 'A', memberIds: ['x'], title: null }, { name: 'A', memberIds: ['x', 'y'], title: null })).toEqual({ memberIds: ['x', 'y'] });
  });
  it('turns blank text into null', () => {
    expect(orNull('  ')).toBeNull();
    expect(orNull(' Ops ')).toBe('Ops');
  });
});
