// Picks the store: PostgreSQL when DATABASE_URL is set (several app instances), else lowdb in DATA_DIR (one process).
import type { Logger } from '../log.ts';
import { openLowdbStore } from './lowdb-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';

/** Host, port and database of a connection URL; never the user's password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function openStore(config: { DATABASE_URL?: string | undefined; DATA_DIR: string }, log: Logger): Promise<Store> {
  if (config.DATABASE_URL) {
    const where = describeDatabaseUrl(config.DATABASE_URL);
    try {
      const store = await openPostgresStore(config.DATABASE_URL);
      log.info('store: PostgreSQL', { database: where });
      return store;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split(config.DATABASE_URL).join('[DATABASE_URL]') : String(error);
      throw new Error(`cannot open the PostgreSQL store at ${where}: ${reason}`);
    }
  }
  const store = await openLowdbStore(config.DATA_DIR);
  log.info('store: lowdb (one process only; set DATABASE_URL to run several instances)', { dataDir: config.DATA_DIR });
  return store;
}
