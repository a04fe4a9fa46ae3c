/** What every route can reach: dependencies injected at construction, and the caller resolved by auth. */
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { UserActor } from '../core/actor.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import type { Db } from '../db/database.ts';
import type { DestinationDeps } from '../usecases/destination-access.ts';
import type { FileStorages } from '../storage/file-storage.ts';

export interface AppDeps extends DestinationDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** Injected so tests can move time (session expiry, throttling windows). */
  now: () => Date;
  /** This process's LISTEN on committed changes, which GET /stream pushes to open pages. */
  changes: ChangeFeed;
  /** Where attachment bytes are written and read (storage/file-storage.ts). */
  storage: FileStorages;
}

export interface SessionInfo {
  idHash: string;
  csrfToken: string;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    actor: UserActor | null;
    session: SessionInfo | null;
  };
}
