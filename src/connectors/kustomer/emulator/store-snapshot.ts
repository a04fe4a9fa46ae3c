/**
 * The emulator's records written to text and read back, so a served emulator restarted on the same file finds the
 * Kustomer side it left: the conversations requests link to, the API key a connection holds, the webhook it posts
 * to. Real Kustomer keeps its data between our restarts; without this, `npm run demo` restarted on its data folder
 * pointed at an org that no longer existed. Rate windows, faults, the call log and deliveries in flight are not kept.
 */
import type { EmulatorStore } from './store.ts';

const MAPS = [
  'orgs',
  'keys',
  'queues',
  'teams',
  'users',
  'customers',
  'conversations',
  'notes',
  'messages',
  'webhooks',
  'attachments',
  'tags',
  'subStatuses',
  'metadata',
] as const satisfies readonly (keyof EmulatorStore)[];

const VERSION = 1;

export function snapshotStore(store: EmulatorStore): string {
  const maps = Object.fromEntries(MAPS.map((name) => [name, [...store[name]]]));
  // Uploaded file bytes as base64: Buffer's own JSON is an array of numbers, four times the size.
  return JSON.stringify({ version: VERSION, maps }, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { base64: raw.toString('base64') } : value;
  });
}

/** Replaces everything in `store` with a snapshot's records. Throws on a snapshot this version did not write. */
export function restoreStore(store: EmulatorStore, text: string): void {
  const parsed = JSON.parse(text, (key, value: unknown) =>
    key === 'bytes' && value !== null && typeof value === 'object' && 'base64' in value ? Buffer.from(String(value.base64), 'base64') : value,
  ) as { version?: number; maps?: Record<string, [string, never][]> };
  if (parsed.version !== VERSION || !parsed.maps) throw new Error(`emulator: not a version ${VERSION} snapshot`);
  store.clear();
  for (const name of MAPS) for (const [id, record] of parsed.maps[name] ?? []) store[name].set(id, record);
  // One record behind both maps, as createApiKey makes it, so revoking by token is seen by id and back.
  for (const key of store.keys.values()) store.keysByToken.set(key.token, key);
}
