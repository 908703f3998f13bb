import type { Connection } from '../../connections/connection.js';
import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { asAppError, ProviderError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { CreateImpact, PreflightListing, PreflightPlan } from '../../providers/definition.js';
import { createTarget } from '../../providers/registry.js';
import type { MigrationProvider } from '../../providers/types.js';
import type { PreflightFailure, PreflightRecord } from '../preflight-record.js';

/** The provider's calls of a pre-flight share this deadline unless the bot is given another. */
export const DEFAULT_PREFLIGHT_DEADLINE_MS = 5_000;
/** The running count reads one page of this many migrations. */
const RUNNING_PAGE = 100;

type Answer<T> = { ok: T } | { failed: PreflightFailure };

/**
 * The pre-flight of a create request: what the provider's definition can tell (`preflight`), its
 * calls (the listing, the running count) raced against one deadline. It never throws: a part that
 * fails or runs out of time says why, and the request is posted all the same.
 */
export async function runPreflight(
  deps: { connections: ConnectionRegistry; logger: Logger },
  connection: Connection,
  kind: ResourceKind,
  request: Record<string, unknown>,
  deadlineMs: number,
): Promise<PreflightRecord> {
  const record: PreflightRecord = { warnings: [], deadlineMs };
  if (connection.egressPricePerGiB) record.egressPricePerGiB = connection.egressPricePerGiB;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ failed: PreflightFailure }>((resolve) => {
    timer = setTimeout(() => resolve({ failed: { why: 'timeout' } }), deadlineMs);
  });
  const bounded = <T>(work: () => Promise<T>): Promise<Answer<T>> =>
    Promise.race([
      Promise.resolve()
        .then(work)
        .then(
          (ok) => ({ ok }),
          (error: unknown) => {
            deps.logger.info({ err: error }, 'a pre-flight call failed; the request goes without it');
            return { failed: failureOf(error) };
          },
        ),
      deadline,
    ]);
  try {
    let plan: PreflightPlan | undefined;
    let provider: MigrationProvider | undefined;
    try {
      plan = createTarget(connection.provider, kind).preflight?.(request, connection);
      provider = deps.connections.provider(connection, 'interactive');
    } catch (error) {
      deps.logger.warn({ err: error }, 'no pre-flight for this request');
      record.sizeFailure = record.runningFailure = failureOf(error);
      return record;
    }
    if (!plan) {
      record.size = { basis: 'unknown', why: 'no-listing' };
      return record;
    }
    record.warnings = plan.warnings.slice(0, 8);
    if (plan.bandwidth) record.bandwidth = plan.bandwidth;
    const listSize = plan.listSize;
    const [size, running] = await Promise.all([
      listSize
        ? bounded(() => listSize(provider))
        : ({
            ok: { size: { basis: 'unknown', why: plan.unknownSize ?? 'no-listing' } },
          } as Answer<PreflightListing>),
      bounded(() => countRunning(provider, kind, plan)),
    ]);
    if ('ok' in size) {
      record.size = size.ok.size;
      if (size.ok.empty?.length)
        record.warnings.push({
          key: 'approval.preflight.warn.empty',
          values: { prefixes: size.ok.empty.slice(0, 5).join(', ').slice(0, 300), n: size.ok.empty.length },
        });
    } else record.sizeFailure = size.failed;
    if ('ok' in running) record.running = running.ok;
    else record.runningFailure = running.failed;
    return record;
  } finally {
    clearTimeout(timer);
  }
}

/** The request's pre-flight: the one it came with, none for a request that brought its size, else run. */
export async function preflightFor(
  deps: { connections: ConnectionRegistry; logger: Logger },
  input: { preflight?: PreflightRecord; impact?: CreateImpact },
  connection: Connection,
  kind: ResourceKind,
  request: Record<string, unknown>,
  deadlineMs: number,
): Promise<PreflightRecord | undefined> {
  if (input.preflight || input.impact) return input.preflight;
  return runPreflight(deps, connection, kind, request, deadlineMs);
}

/** Migrations of `kind` on the connection in the plan's active states: running and waiting. */
async function countRunning(
  provider: MigrationProvider,
  kind: ResourceKind,
  plan: PreflightPlan,
): Promise<NonNullable<PreflightRecord['running']>> {
  const page = await provider.list({ kind, states: plan.activeStates, limit: RUNNING_PAGE, offset: 0 });
  const shown = page.resources.slice(0, RUNNING_PAGE);
  const waiting = shown.filter((r) => r.state === 'queued').length;
  return {
    running: shown.length - waiting,
    waiting,
    more: page.moreThan !== undefined || (page.total ?? 0) > shown.length,
    ...(plan.region ? { region: plan.region.slice(0, 64) } : {}),
    ...(plan.limits ? { limits: plan.limits } : {}),
  };
}

/** A failure as the card may say it: its kind and the provider's code, never its message or body. */
function failureOf(error: unknown): PreflightFailure {
  const e = asAppError(error);
  if (!(e instanceof ProviderError)) return { why: 'failed' };
  const code = e.errorCode && /^[A-Za-z0-9._-]{1,40}$/.test(e.errorCode) ? e.errorCode : undefined;
  return {
    why: e.httpStatus === undefined ? 'failed' : 'refused',
    ...(code ? { code } : {}),
    ...(e.httpStatus === undefined ? {} : { status: e.httpStatus }),
  };
}

/** A request stored before the pre-flight kept only its size (`impact`): the same, as a pre-flight. */
export function preflightFromImpact(impact: CreateImpact): PreflightRecord {
  const { objects, bytes, prefixes } = impact;
  return {
    size: impact.complete
      ? { basis: 'listed', objects, bytes, prefixes }
      : { basis: 'sampled', objects, bytes, prefixes, bound: objects },
    ...(impact.bandwidth ? { bandwidth: impact.bandwidth } : {}),
    warnings: [],
    deadlineMs: DEFAULT_PREFLIGHT_DEADLINE_MS,
  };
}
