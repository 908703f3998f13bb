import type { NormalizedState } from '../domain/migration-resource.js';
import type { MigrationProvider } from './types.js';

/**
 * The pre-flight on an approval request: what the bot can find out before anything runs. Each
 * provider folder says what it can tell (`CreateFormDefinition.preflight`); the bot runs the calls
 * under one deadline and stores the answers with the request. Every figure carries where it came
 * from (`basis`), so the card can say how sure it is.
 */

/** Objects and bytes under the request's source, and how they were found. */
export type PreflightSize =
  /** Everything under the prefixes was listed; `unsized` objects had no size ("--"): bytes is a lower bound. */
  | { basis: 'listed'; objects: number; bytes: number; prefixes: number; unsized?: number }
  /** The listing stopped with more left (it reads at most `bound` objects): a lower bound. */
  | { basis: 'sampled'; objects: number; bytes: number; prefixes: number; bound: number }
  /** The provider's own estimate (NCP's `estimatedObjectNum`, `estimatedSize`). */
  | { basis: 'estimated'; objects: number; bytes: number; done: boolean }
  /**
   * Not known, and why: `no-listing` (the provider lists no objects), `after-create` (the provider
   * counts only once the migration exists), `list-file` (a list file or URL list names the objects).
   */
  | { basis: 'unknown'; why: PreflightUnknown };

export const PREFLIGHT_UNKNOWN = ['no-listing', 'after-create', 'list-file'] as const;
export type PreflightUnknown = (typeof PREFLIGHT_UNKNOWN)[number];

/** A sentence from the provider's words (`form.<id>.preflight.…`) with its values. */
export interface PreflightWords {
  key: string;
  values?: Record<string, string | number>;
}

/** What a listing found besides the size: prefixes with nothing under them. */
export interface PreflightListing {
  size: PreflightSize;
  /** Prefixes under which a complete listing found no object (§5.5.5 would not find them either). */
  empty?: string[];
}

/** What a provider can tell about one request, as data and as bounded calls. */
export interface PreflightPlan {
  /** Lists the source (bounded); absent when the provider cannot tell (`unknownSize` says why). */
  listSize?(provider: MigrationProvider): Promise<PreflightListing>;
  unknownSize?: PreflightUnknown;
  /** The highest bandwidth cap the request sets, bytes a second; undefined: no cap. */
  bandwidth?: number;
  /** The region the connection works in (the running count's scope), when known. */
  region?: string;
  /** The states a migration of this kind is counted in as already running or waiting. */
  activeStates: readonly NormalizedState[];
  /** The provider's documented limits on running or new migrations (quota codes), when it says them. */
  limits?: PreflightWords;
  /** What the form alone shows (an overwrite mode that replaces newer objects, another region). */
  warnings: PreflightWords[];
}
