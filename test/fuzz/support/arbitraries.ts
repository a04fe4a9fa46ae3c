/**
 * fast-check arbitraries driven by the app's OpenAPI document: values that follow a JSON schema ("valid-ish"),
 * the same with one part broken, and plain hostile input (NUL bytes, huge strings, wrong types, deep nesting,
 * unicode, out-of-range numbers).
 */
import fc from 'fast-check';

export type JsonSchema = Record<string, any>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}
export interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

/** Every operation of the document as `METHOD /path`, with its parts. */
export function operations(doc: OpenApiDoc) {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      route: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      op,
      body: op.requestBody?.content['application/json']?.schema as JsonSchema | undefined,
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
    })),
  );
}

/** Huge strings: past every maxLength a text field has, but under the body limit. */
export const HUGE = 'x'.repeat(200_000);

/** Strings that have broken services before: NUL bytes, lone surrogates, SQL and path fragments, odd unicode. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'nul at end\u0000',
  '\uD800',
  'lone \uDFFF surrogate',
  '\uFFFE\uFFFF',
  '😀👩‍👩‍👧‍👦',
  'ﷺ Ω ß İ ǅ',
  '\u202Eevil',
  '\r\n\t\b\f\v',
  "'; drop table requests; --",
  "' or '1'='1",
  '%',
  '%00',
  '%zz',
  '\\',
  '../../../etc/passwd',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'REQ-0',
  'REQ--1',
  'REQ-99999999999999999999999',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-fffffffffffff',
  '__proto__',
  'constructor',
  HUGE,
  '\u0000'.repeat(1000),
  '😀'.repeat(20_000),
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `${s}\u0000${s}`) },
);

export const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, -1e308, 0.5, -0, 5e-324, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => Number(n)),
);

/** JSON nested `depth` levels deep, as text (objects and arrays alternate). */
export function deepJson(depth: number, kind: 'array' | 'object' | 'mixed' = 'mixed'): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i += 1) {
    const arr = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    open += arr ? '[' : '{"a":';
    close = (arr ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

/** Any JSON value a caller could send where something else was expected. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': null }, { __proto__: { x: 1 } }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((d) => JSON.parse(deepJson(d))) },
);

/** A value that fits `schema` (within reason: long strings are kept short, uuids come from `ids`). */
export function fromSchema(doc: OpenApiDoc, schema: JsonSchema | undefined, ids: () => string[], depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return fromSchema(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!], ids, depth + 1);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...(alternatives as JsonSchema[]).map((s) => fromSchema(doc, s, ids, depth + 1)));
  if (schema.allOf) return fromSchema(doc, Object.assign({}, ...(schema.allOf as JsonSchema[])), ids, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => fromSchema(doc, { ...schema, type }, ids, depth + 1)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'string':
      return stringFor(schema, ids);
    case 'array':
      return fc.array(fromSchema(doc, schema.items, ids, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object':
    default: {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const keys = Object.keys(props);
      if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      return fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(doc, props[k], ids, depth + 1)])), {
        requiredKeys: (schema.required ?? []) as string[],
      });
    }
  }
}

function stringFor(schema: JsonSchema, ids: () => string[]): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids()) }, { weight: 1, arbitrary: fc.uuid() });
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'date' || schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern as string)).filter((s) => s.length <= (schema.maxLength ?? 1000));
    } catch {
      // a pattern JS cannot read: fall through to plain text
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 30, 30));
  return fc
    .oneof(fc.string({ unit: 'grapheme', minLength, maxLength }), fc.string({ unit: 'grapheme-ascii', minLength, maxLength }))
    .filter((s) => s.trim().length >= Math.min(minLength, 1));
}

/** `valid` with one part broken: a field replaced by a hostile value, a required field dropped, an unknown field added. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), nastyValue, fc.constantFrom('replace', 'replace', 'replace', 'drop', 'add', 'nest')).map(([value, pick, bad, how]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length ? keys[pick % keys.length]! : 'x';
    if (how === 'drop') delete copy[key];
    else if (how === 'add') copy[`unknown_${pick % 7}`] = bad;
    else if (how === 'nest') copy[key] = { [key]: copy[key] };
    else copy[key] = bad;
    return copy;
  });
}

/** Every path inside a JSON value (objects and arrays), the value itself first. */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

/**
 * A known-good value broken at one place anywhere inside it (a nested field, an array item, a map value): replaced
 * by a hostile value, removed, or joined by an unknown sibling.
 */
export function deepMutated(base: unknown): fc.Arbitrary<unknown> {
  const all = paths(base).filter((p) => p.length > 0);
  if (all.length === 0) return nastyValue;
  return fc.tuple(fc.constantFrom(...all), nastyValue, fc.constantFrom('replace', 'replace', 'replace', 'drop', 'add')).map(([path, bad, how]) => {
    const copy = structuredClone(base) as any;
    let parent = copy;
    for (const key of path.slice(0, -1)) parent = parent[key];
    const last = path[path.length - 1]!;
    if (how === 'replace') parent[last] = bad;
    else if (how === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(parent)) parent.push(bad);
    else parent[`${String(last)}_unknown`] = bad;
    return copy;
  });
}

/** A body as sent on the wire: JSON text, raw text, or raw bytes (invalid UTF-8). */
export type WireBody = { kind: 'none' } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

const INVALID_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xc0, 0x80], // overlong NUL
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** JSON text with invalid UTF-8 bytes spliced into a string value (or anywhere). */
export const invalidUtf8Body: fc.Arbitrary<WireBody> = fc
  .tuple(
    fc.constantFrom(...INVALID_UTF8),
    fc.constantFrom('{"title":"', '{"name":"', '{"body":"', '{"email":"', '["', '', '{"'),
    fc.constantFrom('"}', '"]', '', '":1}'),
  )
  .map(([bad, before, after]) => {
    const head = Buffer.from(before, 'utf8');
    const tail = Buffer.from(after, 'utf8');
    return { kind: 'bytes', bytes: new Uint8Array(Buffer.concat([head, Buffer.from(bad), tail])) };
  });

/** Text that is not JSON, or JSON that no route wants at the top level. */
export const garbageBody: fc.Arbitrary<WireBody> = fc.oneof(
  fc
    .constantFrom(
      '',
      '{',
      '}',
      '{"a":',
      '[1,2',
      'null',
      'true',
      '0',
      '-0',
      '1e999',
      '"str"',
      '[]',
      '{}',
      'undefined',
      "{'a':1}",
      '{"a":1,}',
      '\u0000',
      '{"a":"\u0000"}',
      '\uFEFF{}',
      '{"__proto__":{"admin":true}}',
      '{"a":1}{"b":2}',
    )
    .map((text) => ({ kind: 'text', text }) as WireBody),
  fc.string({ maxLength: 60 }).map((text) => ({ kind: 'text', text }) as WireBody),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'text', text: JSON.stringify(v) }) as WireBody),
  fc.integer({ min: 100, max: 5000 }).map((d) => ({ kind: 'text', text: deepJson(d) }) as WireBody),
  invalidUtf8Body,
);

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  '',
  ';;;',
];

/** Header values a client may send in place of the real ones (printable ASCII only: fetch refuses the rest). */
export const headerValue = fc.oneof(
  fc.constantFrom('', ' ', 'null', '%00', '\\x00', "'", 'a'.repeat(8000), '${x}', '=?utf-8?b?w7w=?=', '1, 2, 3'),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }).map((s) => s.trim()),
);

/** Values for a path parameter that name nothing: malformed uuids, refs, encodings. */
export const garbagePathSegment = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    'REQ-0',
    'REQ-1',
    'req-1',
    'REQ-99999999999999999999',
    'REQ-9223372036854775808',
    '9223372036854775808',
    '2147483648',
    'REQ-1e3',
    'REQ- 1',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    '0000000-0000-0000-0000-0000000000000',
    '{00000000-0000-0000-0000-000000000000}',
    'undefined',
    'null',
    'me',
    '%00',
    '%zz',
    '%E0%A4%A',
    '%C0%80',
    '%ED%A0%80',
    '..',
    '%2e%2e',
    '%2F',
    "'",
    'a'.repeat(5000),
  ),
  fc.uuid(),
  fc.string({ maxLength: 40 }).map(encodeSegment),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeSegment),
);

/** encodeURIComponent, with lone surrogates (which it refuses) sent as their raw UTF-8-ish escape. */
export function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}
