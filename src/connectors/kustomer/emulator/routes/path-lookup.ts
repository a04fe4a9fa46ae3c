/**
 * Kustomer's lookup-in-path segments (docs/kustomer.md §5): `/v1/customers/email=<url-encoded>` and
 * `/v1/conversations/externalId=<url-encoded>`. Read from the raw URL so encoding survives routing.
 */
export type PathRef = { by: 'id'; value: string } | { by: 'email' | 'externalId'; value: string };

export function readPathRef(url: string, index: number): PathRef {
  const raw = new URL(url).pathname.split('/')[index] ?? '';
  const eq = raw.indexOf('=');
  if (eq > 0) {
    const by = raw.slice(0, eq);
    if (by === 'email' || by === 'externalId') return { by, value: safeDecode(raw.slice(eq + 1)) };
  }
  return { by: 'id', value: safeDecode(raw) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
