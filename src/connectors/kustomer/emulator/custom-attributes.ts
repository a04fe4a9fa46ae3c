/**
 * Checks `custom` values by their name's suffix (docs/kustomer.md §8): Str string ≤1024, Txt string, Num number, At ISO date-time,
 * Bool boolean, Url URL, Id 24-hex id, Tree string (format unknown, [I]). Every type accepts null. Arrays only
 * where the org's metadata marks the attribute `multi`. Keys not in the metadata are accepted: whether Kustomer
 * rejects unknown or inactive attributes is unknown (docs/kustomer.md §8).
 */
import { kustomerError } from './kustomer-error.ts';
import type { MetadataPropertyRecord } from './records.ts';

const SUFFIX = /^[a-z][A-Za-z0-9]*(Str|Txt|Num|At|Bool|Url|Id|Tree)$/;

const CHECKS: Record<string, (v: unknown) => boolean> = {
  Str: (v) => typeof v === 'string' && v.length <= 1024,
  Txt: (v) => typeof v === 'string',
  Num: (v) => typeof v === 'number' && Number.isFinite(v),
  At: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  Bool: (v) => typeof v === 'boolean',
  Url: (v) => typeof v === 'string' && URL.canParse(v),
  Id: (v) => typeof v === 'string' && /^[0-9a-f]{24}$/.test(v),
  Tree: (v) => typeof v === 'string',
};

export function checkCustomValues(custom: Record<string, unknown>, metadata: Record<string, MetadataPropertyRecord> | undefined): void {
  for (const [key, value] of Object.entries(custom)) {
    const suffix = SUFFIX.exec(key)?.[1];
    const source = { pointer: `/custom/${key}` };
    if (!suffix) throw kustomerError(400, `custom attribute "${key}" must end in a type suffix (Str, Txt, Num, At, Bool, Url, Id, Tree)`, source);
    if (value === null) continue;
    const check = CHECKS[suffix]!;
    const values = Array.isArray(value) && metadata?.[key]?.multi ? value : [value];
    if (!values.every(check)) throw kustomerError(400, `custom attribute "${key}" has a value that is not a valid ${suffix}`, source);
  }
}
