/**
 * The Kustomer org name is the only user input that shapes a Kustomer URL, so it must be a plain DNS label:
 * nothing that could add a dot, a port, credentials, a path or an IP address to the host.
 */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/**
 * Also refused: names that read as IP numbers (all digits, or hex like `0x7f000001`), `localhost`, and labels with `--` in the
 * third and fourth places (reserved by IDNA: `xn--` punycode, which can spell a lookalike of another org's name).
 */
const RESERVED = /^(?:\d+|0x[0-9a-f]+|localhost|..--.*)$/;

export function normaliseOrgName(input: string): string | null {
  const name = input.trim().toLowerCase();
  return LABEL.test(name) && !RESERVED.test(name) ? name : null;
}

/** https://<org>.api.kustomerapp.com unless the server's configuration overrides it (emulator, regional hosts). */
export function apiBaseUrl(orgName: string, override: string | null): string {
  return override ?? `https://${orgName}.api.kustomerapp.com`;
}

/**
 * Where a person opens a conversation in Kustomer's web app: the customer's timeline with the conversation open.
 * The path shape is inferred from links seen in Kustomer's app, not documented (docs/kustomer.md §20).
 */
export function conversationWebUrl(orgName: string, ids: { customerId: string; conversationId: string }, webOverride: string | null): string {
  const base = webOverride ?? `https://${orgName}.kustomerapp.com`;
  return `${base.replace(/\/$/, '')}/app/customers/${ids.customerId}/event/${ids.conversationId}`;
}
