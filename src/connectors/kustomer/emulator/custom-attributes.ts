/**
 * Checks `custom` values against the org's metadata for the resource, then by their name's suffix (docs/kustomer.md §8, §31): Str string
 * ≤1024, Txt string, Num number, At ISO date-time, Bool boolean, Url URL, Id 24-hex id, Tree string (format
 * unknown, [I]). Every type accepts null. Arrays only where the metadata marks the attribute `multi`.
 *
 * A key the metadata does not define is refused as real Kustomer does: 400, code `badparam`, title "Additional
 * properties not allowed", detail "/properties/custom/additionalProperties", `source.parameter` = the key.
 * Recorded for a KObject create (nebulab/solidus_kustomer spec/fixtures/vcr_cassettes/create_failure.yml, status
 * 400 with `{"errors":[{"status":400,"source":{"parameter":"notAnActualAttribute"},"code":"badparam",...}]}`);
 * that conversations (and customers) refuse unknown keys the same way is assumed. The recording has one unknown key
 * and one error item; naming only the first unknown key is our guess for several.
 */
import { KustomerError, kustomerError } from './kustomer-error.ts';
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

/** The recorded refusal of a custom key the org's metadata does not define. */
export const unknownAttributeError = (key: string) =>
  new KustomerError(400, 'badparam', '/properties/custom/additionalProperties', { title: 'Additional properties not allowed', source: { parameter: key } });

export function checkCustomValues(custom: Record<string, unknown>, metadata: Record<string, MetadataPropertyRecord> | undefined): void {
  for (const [key, value] of Object.entries(custom)) {
    // An org whose metadata was never set defines no custom attributes: every key is unknown.
    if (!metadata || !Object.hasOwn(metadata, key)) throw unknownAttributeError(key);
    const suffix = SUFFIX.exec(key)?.[1];
    const source = { pointer: `/custom/${key}` };
    if (!suffix) throw kustomerError(400, `custom attribute "${key}" must end in a type suffix (Str, Txt, Num, At, Bool, Url, Id, Tree)`, source);
    if (value === null) continue;
    const check = CHECKS[suffix]!;
    const values = Array.isArray(value) && metadata[key]?.multi ? value : [value];
    if (!values.every(check)) throw kustomerError(400, `custom attribute "${key}" has a value that is not a valid ${suffix}`, source);
  }
}
