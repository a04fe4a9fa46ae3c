/** The custom attributes a Kustomer conversation can carry, as the field mapping reads them (docs/kustomer.md §8, §32). */
import type { RemoteField, RemoteFieldType } from '../../core/destination.ts';
import type { KustomerClient } from './client.ts';
import { PERM } from './roles.ts';
import * as W from './wire.ts';

/** An attribute's type by its metadata `type`, else by its name's suffix (lower-cased). */
const FIELD_TYPES: Record<string, RemoteFieldType> = {
  str: 'text',
  string: 'text',
  txt: 'long_text',
  text: 'long_text',
  num: 'number',
  number: 'number',
  at: 'date',
  date: 'date',
  bool: 'boolean',
  boolean: 'boolean',
  url: 'url',
  id: 'reference',
  tree: 'list',
};

/**
 * GET /v1/metadata/conversation: the custom attributes a conversation can carry; the name suffix is the type
 * (docs/kustomer.md §32, documented only), so the plain name is the name without it.
 */
export async function listTicketFields(client: KustomerClient): Promise<RemoteField[]> {
  const r = await client.request(W.MetadataResponse, { method: 'GET', path: '/v1/metadata/conversation', permission: PERM.metadataRead });
  return Object.entries(r.data.attributes.properties).map(([name, prop]) => {
    const suffix = /(Str|Txt|Num|At|Bool|Url|Id|Tree)$/.exec(name)?.[1];
    return {
      name,
      plainName: suffix ? name.slice(0, -suffix.length) : name,
      label: prop.displayName ?? name,
      type: FIELD_TYPES[prop.type?.toLowerCase()] ?? (suffix ? FIELD_TYPES[suffix.toLowerCase()] : undefined) ?? 'other',
      options: (prop.enumeration ?? []).map((v) => (typeof v === 'object' && v && 'value' in v ? String((v as { value: unknown }).value) : String(v))),
    };
  });
}
