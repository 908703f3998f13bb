import type { RequestCheck } from '../../contract/gate.js';
import { matches, type Rule, type SourcedRule } from './rules.js';

/** What one rule says of one request (before any quota is counted, which needs the store). */
export interface RuleResult {
  source: SourcedRule;
  /** The rule's scope covers the request. */
  applies: boolean;
  refusal?: { key: string; values: Record<string, string | number> };
  approvers?: number;
  /**
   * The approvers are asked because a size the rule's threshold needs was not measured (unknown,
   * or only a lower bound at or below it): it fails closed, and the request says so.
   */
  unmeasured?: boolean;
  /** The user group the approvers must be in. */
  group?: string;
  ticket?: string;
  /** Bytes to count against the workspace's monthly TiB at the approval. */
  quota?: { tibPerMonth: number; bytes: number | undefined };
  /** At most this many migrations approved and not ended in the workspace. */
  workspaceSlots?: number;
  /** At most this many migrations approved and not ended on the request's connection. */
  connectionSlots?: number;
}

/** What the gate knows of the request beyond the check: the destination region and the size. */
export interface Measured {
  region: string | undefined;
  bytes: number | undefined;
  objects: number | undefined;
  egressUsd: number | undefined;
  /**
   * The figures are only lower bounds: objects without a readable size (`unsized`), a listing that
   * stopped early, or an estimate still counting. A lower bound is no measurement below a threshold.
   */
  lowerBound?: { bytes: boolean; objects: boolean };
  /** Whether the start falls in a traffic window of the connection (`unknown`: not read). */
  startWindow?: 'inside' | 'outside' | 'unknown';
}

/** When the request starts: its start time while that is ahead, else now (a due start, a wave). */
export function startInstant(check: RequestCheck): number {
  return check.stage === 'start' || check.stage === 'resume' || !check.startAt
    ? check.now
    : Date.parse(check.startAt);
}

export function measured(
  check: RequestCheck,
  connectionRegion: string | undefined,
  startWindow?: Measured['startWindow'],
): Measured {
  const size = check.preflight?.size;
  const bytes = size && size.basis !== 'unknown' ? size.bytes : undefined;
  const objects = size && size.basis !== 'unknown' ? size.objects : undefined;
  const price = check.preflight?.egressPricePerGiB;
  const partial =
    size?.basis === 'sampled' || (size?.basis === 'estimated' && !size.done)
      ? { bytes: true, objects: true }
      : size?.basis === 'listed' && (size.unsized ?? 0) > 0
        ? { bytes: true, objects: false }
        : undefined;
  return {
    region: check.facts.destinationRegion ?? connectionRegion,
    bytes,
    objects,
    ...(partial ? { lowerBound: partial } : {}),
    egressUsd: bytes !== undefined && price !== undefined ? (bytes / 2 ** 30) * price : undefined,
    ...(startWindow ? { startWindow } : {}),
  };
}

export function inScope(rule: Rule, check: Pick<RequestCheck, 'team' | 'connection' | 'channel'>): boolean {
  const s = rule.scope;
  if (!s) return true;
  return (
    (!s.workspaces || s.workspaces.includes(check.team)) &&
    (!s.connections || s.connections.some((c) => matches(c, check.connection))) &&
    (!s.channels || s.channels.includes(check.channel))
  );
}

/** Local `2026-12-20T00:00` in `zone` as an instant. */
export function zonedInstant(local: string, zone: string): number {
  const guess = Date.parse(`${local}:00Z`);
  const first = guess - offsetOf(guess, zone);
  return guess - offsetOf(first, zone);
}

function offsetOf(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function allowed(list: { allow?: string[]; deny?: string[] }, values: string[]): boolean {
  if (list.deny?.some((p) => values.some((v) => matches(p, v)))) return false;
  if (list.allow && !list.allow.some((p) => values.some((v) => matches(p, v)))) return false;
  return true;
}

/**
 * A refusal of a place or provider that names what would pass: the allowed list, when the value
 * was refused for being outside it (a value denied by name is refused in the plain words).
 */
function refusedPlace(
  list: { allow?: string[]; deny?: string[] },
  values: string[],
): { allowed: string } | undefined {
  if (!list.allow || list.deny?.some((p) => values.some((v) => matches(p, v)))) return undefined;
  return { allowed: list.allow.join(', ') };
}

function place(bucket: string | undefined, prefix: string | undefined): string[] {
  if (!bucket) return [];
  return prefix ? [bucket, `${bucket}/${prefix}`] : [bucket];
}

/** The first thing `rule` refuses in the request, or what it asks for; pure. */
export function evaluate(source: SourcedRule, check: RequestCheck, m: Measured): RuleResult {
  const rule = source.rule;
  if (!inScope(rule, check)) return { source, applies: false };
  const refuse = (key: string, values: Record<string, string | number> = {}): RuleResult => ({
    source,
    applies: true,
    refusal: { key: `guardrail.refused.${key}`, values },
  });
  const f = check.facts;
  const outside = (
    key: string,
    list: { allow?: string[]; deny?: string[] },
    values: string[],
    said: Record<string, string>,
  ) => {
    const passes = refusedPlace(list, values);
    return passes ? refuse(`${key}Allowed`, { ...said, ...passes }) : refuse(key, said);
  };
  for (const period of rule.freeze ?? []) {
    const from = zonedInstant(period.from, period.zone);
    const to = zonedInstant(period.to, period.zone);
    const when = startInstant(check);
    if ((check.now >= from && check.now < to) || (when >= from && when < to))
      return refuse('freeze', { from: period.from, to: period.to, zone: period.zone });
  }
  if (rule.mustStartInWindow) {
    if (m.startWindow === 'unknown') return refuse('startWindowUnknown');
    if (m.startWindow !== 'inside')
      return refuse('startWindow', { at: new Date(startInstant(check)).toISOString().slice(0, 16) });
  }
  // A migration started by a capability (a plan's wave) exists already: only "when" applies.
  if (check.stage === 'resume') return { source, applies: true };
  if (rule.regions) {
    if (!m.region) return refuse('regionUnknown');
    if (!allowed(rule.regions, [m.region]))
      return outside('region', rule.regions, [m.region], { region: m.region });
  }
  if (rule.providers && !allowed(rule.providers, [check.provider]))
    return outside('provider', rule.providers, [check.provider], { provider: check.provider });
  const from = place(f.sourceBucket, f.sourcePrefix);
  if (rule.sourceBuckets && !allowed(rule.sourceBuckets, from))
    return outside('sourceBucket', rule.sourceBuckets, from, { bucket: f.sourceBucket ?? '?' });
  const destination = place(f.destinationBucket, f.destinationPrefix);
  if (rule.destinationBuckets && !allowed(rule.destinationBuckets, destination))
    return outside('destinationBucket', rule.destinationBuckets, destination, {
      bucket: f.destinationBucket ?? '?',
    });
  if (rule.overwrite && f.overwrite && !rule.overwrite.includes(f.overwrite))
    return refuse('overwrite', { mode: f.overwrite, allowed: rule.overwrite.join(', ') });
  const cap = check.preflight?.bandwidth;
  if (rule.maxBandwidthMiBps !== undefined && (cap === undefined || cap > rule.maxBandwidthMiBps * 2 ** 20))
    return refuse('bandwidth', { max: rule.maxBandwidthMiBps });
  if (rule.mustHaveWindow && cap === undefined) return refuse('window');
  if (rule.mustHaveStartTime && !check.startAt) return refuse('startTime');
  const perConnection = rule.quota?.concurrentPerConnection;
  if (perConnection !== undefined && check.stage === 'request') {
    const running = check.preflight?.running;
    if (!running) return refuse('concurrentUnknown', { connection: check.connection });
    if (running.running + running.waiting >= perConnection || running.more)
      return refuse('concurrent', { connection: check.connection, max: perConnection });
  }
  let ticket: string | undefined;
  if (rule.ticket) {
    ticket = new RegExp(rule.ticket).exec(f.name ?? '')?.[0];
    if (!ticket) return refuse('ticket', { pattern: rule.ticket });
  }
  const result: RuleResult = { source, applies: true, ...(ticket ? { ticket } : {}) };
  const above = rule.approvals ? isAbove(rule.approvals.above, m) : 'below';
  if (rule.approvals && above !== 'below') {
    result.approvers = rule.approvals.approvers;
    if (above === 'unmeasured') result.unmeasured = true;
    if (rule.approvals.group) result.group = rule.approvals.group;
  }
  if (rule.quota?.tibPerMonth !== undefined)
    result.quota = { tibPerMonth: rule.quota.tibPerMonth, bytes: m.bytes };
  if (rule.quota?.concurrentPerWorkspace !== undefined)
    result.workspaceSlots = rule.quota.concurrentPerWorkspace;
  // The provider's count above is read once, at the request; the place is taken at the approval.
  if (perConnection !== undefined) result.connectionSlots = perConnection;
  return result;
}

/**
 * Above a threshold (`above`), or `unmeasured`: a threshold on a figure nobody could measure, or
 * of which only a lower bound at or below it is known, fails closed (counted as above).
 */
function isAbove(
  above: NonNullable<Rule['approvals']>['above'],
  m: Measured,
): 'above' | 'unmeasured' | 'below' {
  if (!above) return 'above';
  const lowBytes = m.lowerBound?.bytes ?? false;
  const checks: [number | undefined, number | undefined, boolean][] = [
    [above.size, m.bytes, lowBytes],
    [above.objects, m.objects, m.lowerBound?.objects ?? false],
    [above.egressUsd, m.egressUsd, lowBytes],
  ];
  let unmeasured = false;
  for (const [limit, value, lower] of checks) {
    if (limit === undefined) continue;
    if (value !== undefined && value > limit) return 'above';
    if (value === undefined || lower) unmeasured = true;
  }
  return unmeasured ? 'unmeasured' : 'below';
}
