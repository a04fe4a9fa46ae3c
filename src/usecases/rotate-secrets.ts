/**
 * Re-seals every secret stored at rest with the current key, so an old key (BRIDGEDESK_PREVIOUS_SECRET_KEYS) can be
 * dropped. All or nothing: one secret that no configured key opens leaves every row as it was.
 */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { SecretBox } from '../db/secret-box.ts';

const SEALED = [
  'secret_encrypted',
  'webhook_token_encrypted',
  'webhook_signing_key_encrypted',
  'webhook_secret_encrypted',
  'webhook_previous_secret_encrypted',
] as const;
type SealedColumn = (typeof SEALED)[number];

export class UnreadableSecret extends Error {
  constructor(provider: string, column: SealedColumn) {
    super(
      `The ${PROVIDERS[provider as ProviderId]?.displayName ?? provider} connection's ${column.replace(/_encrypted$/, '').replaceAll('_', ' ')} was sealed with a key that is neither ` +
        'BRIDGEDESK_SECRET_KEY nor one of BRIDGEDESK_PREVIOUS_SECRET_KEYS. Nothing was changed.',
    );
  }
}

export async function rotateSecrets(db: Db, secrets: SecretBox): Promise<{ connections: number; secrets: number }> {
  return withTransaction(db, async (tx) => {
    // Locked, so a connection saved meanwhile waits and is not overwritten with what was read here.
    const rows = await tx
      .selectFrom('destination_connections')
      .select(['id', 'provider', ...SEALED])
      .forUpdate()
      .execute();
    let count = 0;
    for (const row of rows) {
      const patch: Partial<Record<SealedColumn, string>> = {};
      for (const column of SEALED) {
        const sealed = row[column];
        if (sealed === null) continue;
        let plain: string;
        try {
          plain = secrets.open(sealed);
        } catch {
          throw new UnreadableSecret(row.provider, column);
        }
        patch[column] = secrets.seal(plain);
        count += 1;
      }
      if (Object.keys(patch).length) await tx.updateTable('destination_connections').set(patch).where('id', '=', row.id).execute();
    }
    return { connections: rows.length, secrets: count };
  });
}
