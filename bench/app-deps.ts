/** The app's dependencies for the benchmark, built the way the server builds them (destinations included). */
import type { Config } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import type { AppInput } from '../src/server/app.ts';
import { destinationDeps } from '../src/usecases/destination-access.ts';

export function benchAppDeps(db: Db, config: Config): AppInput {
  const now = () => new Date();
  return { ...destinationDeps(config, { db, now }), db, config, log: createLogger('silent'), now };
}
