import type { MigrationResource } from '../domain/migration-resource.js';
import type { Watch, WatchTarget } from './watch-store.js';

/** What other flows call to watch a resource (e.g. creation with approval auto-watches). */
export interface WatchRequest extends WatchTarget {
  by: string;
  /** The creation request it came from (its card says so). */
  origin?: Watch['origin'];
  /** The resource as just read, to skip one `get`. */
  resource?: MigrationResource;
}

export interface WatchResult {
  created: boolean;
  key: string;
  /** The parent card is in the channel already (false: it is in the outbox, Slack was busy). */
  posted: boolean;
  /** It was broken (Slack refused its channel) and Slack takes posts there again. */
  repaired?: boolean;
}
