import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../audit/audit-log.js';
import { explain } from '../../catalogue/explain.js';
import type { WrittenEntries } from '../../watcher/outbox/entry-taps.js';
import type { EventNote, ResourceFacts, WatchNotification } from '../../watcher/outbox/notification.js';
import { dedupBase, type WatchRecord } from '../../watcher/records/watch-store.js';
import type { VerificationReport } from '../shared/verification-report.js';

/** The envelope's version: a change that is not additive is a new one (docs/events.md). */
export const EVENTS_SCHEMA = 'migrate-bot.events/v1';

/** What a webhook may ask for (`/migrate webhook add <url> [events…]`): every type is in one. */
export const CATEGORIES = [
  'transitions',
  'failures',
  'completion',
  'verification',
  'signoff',
  'claims',
  'windows',
  'approvals',
  'plans',
  'cutover',
] as const;
export type Category = (typeof CATEGORIES)[number];

const TRANSITIONS = new Set([
  'started',
  'paused',
  'resumed',
  'retrying',
  'succeeded',
  'cancelled',
  'deleted',
  'vanished',
  'stalled',
  'moving',
]);

/** One event as it is delivered: CloudEvents 1.0 attributes, plus the workspace and the version. */
export interface EventEnvelope {
  specversion: '1.0';
  schema: typeof EVENTS_SCHEMA;
  /** Unique per event (the same event seen from two channels' watches has one id): deduplicate on it. */
  id: string;
  type: string;
  source: string;
  /** What it is about: `<connection>:<kind>:<id>` of a resource, `approval:<id>`, … */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  team: string;
  data: Record<string, unknown>;
}

/** Which category a type is in (what the webhook's filter says). */
export function categoryOf(type: string): Category {
  if (type === 'migration.failed') return 'failures';
  if (type === 'migration.completed') return 'completion';
  if (type === 'migration.verified') return 'verification';
  if (type === 'migration.signed-off') return 'signoff';
  if (type === 'migration.claimed') return 'claims';
  if (type === 'window.edge') return 'windows';
  if (type === 'approval.decided') return 'approvals';
  if (type.startsWith('plan.')) return 'plans';
  if (type.startsWith('cutover.')) return 'cutover';
  return 'transitions';
}

const hashId = (...parts: string[]) =>
  `evt_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

function envelope(
  team: string,
  type: string,
  subject: string,
  time: number,
  id: string,
  data: Record<string, unknown>,
): EventEnvelope {
  return {
    specversion: '1.0',
    schema: EVENTS_SCHEMA,
    id,
    type,
    source: `migrate-bot://${team}`,
    subject,
    time: new Date(time).toISOString(),
    datacontenttype: 'application/json',
    team,
    data,
  };
}

function resourceData(r: ResourceFacts): Record<string, unknown> {
  return {
    provider: r.provider,
    connection: r.connection,
    kind: r.kind,
    id: r.id,
    name: r.name,
    state: r.state,
    ...(r.progress === undefined ? {} : { progress: r.progress }),
    bytes: r.bytes,
    objects: r.objects,
  };
}

/** A failure's code and message, with what the error catalogue says it means and how to fix it. */
function failureData(r: ResourceFacts): Record<string, unknown> | undefined {
  const error = r.lastError;
  if (!error) return undefined;
  const entry = error.code ? explain(error.code) : undefined;
  return {
    ...(error.code ? { code: error.code } : {}),
    message: error.message,
    ...(entry ? { explanation: { meaning: entry.description, fix: entry.solution } } : {}),
  };
}

function eventData(note: EventNote): { type: string; data: Record<string, unknown> } | undefined {
  if (note.event !== 'failed' && !TRANSITIONS.has(note.event)) return undefined;
  const error = note.event === 'failed' ? failureData(note.resource) : undefined;
  return {
    type: `migration.${note.event}`,
    data: {
      resource: resourceData(note.resource),
      run: note.run,
      ...(note.by ? { by: note.by } : {}),
      // A window's edge is published as `window` (docs/events.md), whatever the note calls it.
      ...(note.via?.capability === 'windows' ? { window: note.via.said } : {}),
      // An automatic retry (docs/events.md): which attempt of the policy's.
      ...(note.via?.capability === 'auto-retry'
        ? { automatic: true, attempt: (note.via.said as { attempt?: number } | undefined)?.attempt }
        : {}),
      ...(error ? { error } : {}),
    },
  };
}

function typed(note: WatchNotification): { type: string; data: Record<string, unknown> } | undefined {
  if (note.kind === 'event') return eventData(note);
  if (note.kind === 'report') {
    const { chartable: _c, ...report } = note.report;
    return { type: 'migration.completed', data: { report } };
  }
  // The verification capability's post in the run's thread: its view is the verification (its
  // `VerificationNote`), read here by name for what the event carries.
  if (note.kind === 'view' && note.capability === 'verification') {
    const v = note.view as { report: VerificationReport; requester?: string };
    return {
      type: 'migration.verified',
      data: { report: v.report, ...(v.requester ? { requester: v.requester } : {}) },
    };
  }
  return undefined;
}

/**
 * The events a watch record's new outbox entries are: transitions, failures, completion reports and
 * verifications (other records' entries, and notes that are Slack's own business, are none). The
 * id leaves the channel out, so one resource watched in two channels says each event once.
 */
export function eventsOfEntries(written: WrittenEntries): EventEnvelope[] {
  if (!written.key.startsWith('w:')) return [];
  const record = written.record as WatchRecord;
  if (!record.watch) return [];
  const base = dedupBase(record.watch);
  const { teamId, connection, kind, id } = record.watch;
  const out: EventEnvelope[] = [];
  for (const entry of written.entries) {
    const said = entry.note ? typed(entry.note) : undefined;
    if (!said) continue;
    const suffix = entry.key.startsWith(base) ? entry.key.slice(base.length) : entry.key;
    const eventId = hashId(teamId, connection, kind, id, suffix);
    out.push(envelope(teamId, said.type, `${connection}:${kind}:${id}`, entry.createdAt, eventId, said.data));
  }
  return out;
}

/** A plan's audited transitions (the plans capability audits each), as the plan events they are. */
const PLAN_EVENTS: Record<string, string> = {
  'plan.new': 'plan.created',
  'plan.start': 'plan.started',
  'plan.wave': 'plan.wave-opened',
  'plan.gate': 'plan.wave-held',
  'plan.pause': 'plan.paused',
  'plan.resume': 'plan.resumed',
  'plan.end': 'plan.ended',
  'plan.cancel': 'plan.cancelled',
  'plan.signoff': 'plan.signed-off',
};

function planEvent(entry: AuditEntry, type: string, at: number, id: string): EventEnvelope {
  const target = entry.target ?? '';
  // `<plan> wave <n>` for a wave's; a plan's own name when it is made (its id is in the op).
  const wave = /^(\S+) wave (\d+)$/.exec(target);
  const plan = entry.op.startsWith('plan-') ? entry.op.slice('plan-'.length) : (wave?.[1] ?? target);
  return envelope(entry.team, type, `plan:${wave?.[1] ?? plan}`, at, id, {
    plan: wave?.[1] ?? plan,
    ...(wave ? { wave: Number(wave[2]) } : {}),
    ...(entry.detail ? { detail: entry.detail } : {}),
    by: entry.user,
    ...(entry.channel ? { channel: entry.channel } : {}),
  });
}

/** The cut-over's audit actions that are events of the same name. */
const CUTOVER_EVENTS = new Set([
  'cutover.started',
  'cutover.step',
  'cutover.overridden',
  'cutover.aborted',
  'cutover.completed',
]);

const CLAIM_ACTIONS = new Set(['claim', 'claim.take-over', 'claim.release', 'claim.keep']);

/** The events an audit entry is: approval decisions, claims, sign-offs and a window's edges. */
export function eventOfAudit(entry: AuditEntry): EventEnvelope | undefined {
  if (entry.result !== 'ok') return undefined;
  const at = Date.parse(entry.at);
  const id = hashId(entry.team, entry.op, entry.action, entry.target ?? '', entry.at);
  const who = { by: entry.user, ...(entry.channel ? { channel: entry.channel } : {}) };
  const target = entry.target ?? '';
  if (entry.action === 'create.approve' || entry.action === 'create.reject') {
    const decision = entry.action === 'create.approve' ? 'approved' : 'rejected';
    const request = target.replace(/^approval:/, '');
    return envelope(entry.team, 'approval.decided', `approval:${request}`, at, id, {
      decision,
      request,
      ...who,
    });
  }
  if (CLAIM_ACTIONS.has(entry.action)) {
    const action = entry.action === 'claim' ? 'claim' : entry.action.slice('claim.'.length);
    return envelope(entry.team, 'migration.claimed', target, at, id, { action, ...who });
  }
  const planType = PLAN_EVENTS[entry.action];
  if (planType) return planEvent(entry, planType, at, id);
  // A cut-over's audited steps (issue 76) are its events, about the migration it cuts over.
  if (CUTOVER_EVENTS.has(entry.action))
    return envelope(entry.team, entry.action, target, at, id, {
      ...(entry.detail ? { detail: entry.detail } : {}),
      ...who,
    });
  if (entry.action === 'verify-signoff')
    return envelope(entry.team, 'migration.signed-off', target, at, id, { ...who });
  if (entry.op.startsWith('win-') && (entry.action === 'pause' || entry.action === 'resume')) {
    const window = entry.op.slice('win-'.length);
    return envelope(entry.team, 'window.edge', target, at, id, {
      window,
      action: entry.action,
      ...(entry.detail ? { detail: entry.detail } : {}),
      ...who,
    });
  }
  return undefined;
}

/** The event `/migrate webhook test` sends to one webhook. */
export function testEvent(team: string, hookId: string, by: string, now: number): EventEnvelope {
  return envelope(team, 'webhook.test', `webhook:${hookId}`, now, hashId(team, hookId, 'test', String(now)), {
    by,
  });
}

/** The connection an event is about, where it is one resource's (a webhook may ask for one connection). */
export function connectionOf(event: EventEnvelope): string | undefined {
  const resource = event.data.resource as { connection?: string } | undefined;
  if (resource?.connection) return resource.connection;
  const report = event.data.report as { connection?: string } | undefined;
  if (report?.connection) return report.connection;
  const [first, second] = event.subject.split(':');
  return second !== undefined && !['approval', 'webhook', 'plan'].includes(first ?? '') ? first : undefined;
}
