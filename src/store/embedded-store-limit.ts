// How large the embedded (lowdb) store may grow. Measured (bench/README.md, issue 18): a 100,000-contact backfill
// working flat out peaks at 286 MiB on lowdb, 14 MB under the 300 MB aim, growing about 1 KiB per contact (the
// snapshot index, the queue journal and the history held in memory). Beyond the limit the app still runs, but warns.
import type { Store } from './store.ts';

export const DEFAULT_LOWDB_CONTACT_LIMIT = 100_000;

/** The one-line switch, shown wherever the warning is. */
export const SWITCH_TO_POSTGRES = 'set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DATABASE and restart (the schema is created at start-up)';

export interface StoreSizeWarning {
  contacts: number;
  limit: number;
  message: string;
}

/** Counts the contacts held by the embedded store (every portal); a warning when they exceed `limit`, else null. */
export async function checkEmbeddedStoreSize(store: Store, options: { embedded: boolean; limit: number }): Promise<StoreSizeWarning | null> {
  if (!options.embedded) return null;
  let contacts = 0;
  for (const installation of await store.listInstallations()) contacts += await store.countSnapshots(installation.portalId);
  if (contacts <= options.limit) return null;
  return {
    contacts,
    limit: options.limit,
    message: `The embedded store holds ${contacts.toLocaleString('en')} contacts, more than the ${options.limit.toLocaleString('en')} it meets its memory and speed aims with; switch to PostgreSQL: ${SWITCH_TO_POSTGRES}.`,
  };
}
