import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeKustomerError } from './describe-error.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

describe('describeKustomerError', () => {
  it('reads the recorded 404 (numeric status, notfound, no detail) as the title and the looked-up parameter', () => {
    expect(describeKustomerError(fixture('error-recorded-notfound'))).toEqual({ message: 'Not Found (email)', code: 'notfound' });
  });

  it('reads the recorded 400 as its title and the culprit, leaving out a detail that is only a schema path', () => {
    expect(describeKustomerError(fixture('error-recorded-badparam'))).toEqual({
      message: 'Additional properties not allowed (notAnActualAttribute)',
      code: 'badparam',
    });
  });

  it('turns a source.pointer into a dotted path', () => {
    const body = { errors: [{ status: 400, code: 'badparam', title: 'Additional properties not allowed', source: { pointer: '/attributes/custom/fooStr' } }] };
    expect(describeKustomerError(body).message).toBe('Additional properties not allowed (attributes.custom.fooStr)');
  });

  it('still reads the documented forms: string status with a detail sentence, and {code, message}', () => {
    expect(describeKustomerError(fixture('error-jsonapi'))).toEqual({ message: 'Not Found: no customer with email jane@example.com', code: 'not_found' });
    expect(describeKustomerError(fixture('error-simple')).message).toBe('custom attribute "orderNumber" must end in a type suffix');
  });

  it('falls back to meta.subErrors for the culprit and the words', () => {
    const body = { errors: [{ status: 400, code: 'badparam', meta: { subErrors: [{ title: 'should be string', source: { pointer: '/name' } }] } }] };
    expect(describeKustomerError(body).message).toBe('should be string (name)');
  });

  it('never says "undefined" or shows empty parentheses when parts are missing', () => {
    const cases = [
      { errors: [{ status: 401 }] },
      { errors: [{ status: 400, source: {} }] },
      { errors: [{ code: 'badparam', title: '', detail: '', source: { pointer: '' } }] },
      { errors: [{ status: 400, source: { parameter: 'page' } }] },
    ];
    const messages = cases.map((b) => describeKustomerError(b).message);
    expect(messages).toEqual([undefined, undefined, undefined, 'page']);
    for (const m of messages) expect(m ?? '').not.toMatch(/undefined|\(\)/);
  });

  it('joins several distinct errors, at most three', () => {
    const errors = ['a', 'b', 'c', 'd'].map((p) => ({ status: 400, code: 'badparam', title: 'Required', source: { pointer: `/${p}` } }));
    expect(describeKustomerError({ errors }).message).toBe('Required (a); Required (b); Required (c) (and 1 more)');
  });

  it('gives nothing for a body that is not an error body', () => {
    expect(describeKustomerError('<html>bad gateway</html>')).toEqual({});
    expect(describeKustomerError({ errors: [] })).toEqual({});
  });
});
