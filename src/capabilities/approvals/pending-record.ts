import { randomBytes } from 'node:crypto';
import type { ResourceKind } from '../../domain/migration-resource.js';
import type { PreflightRecord } from '../preflight-record.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { NewRequest } from './approval-types.js';

/** A new request as it is first stored: pending, expiring `ttlHours` after `now`. */
export function pendingRecord(
  input: NewRequest,
  what: {
    connection: string;
    provider: ApprovalRecord['provider'];
    kind: ResourceKind;
    request: Record<string, unknown>;
    preflight: PreflightRecord | undefined;
    startAt?: string;
    needs?: ApprovalRecord['needs'];
  },
  now: number,
  ttlHours: number,
): ApprovalRecord {
  return {
    id: randomBytes(5).toString('hex'),
    team: input.team,
    requester: input.requester,
    channel: input.channel,
    connection: what.connection,
    provider: what.provider,
    kind: what.kind,
    request: what.request,
    status: 'pending',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlHours * 3_600_000).toISOString(),
    ...(input.workflowStep ? { workflowStep: input.workflowStep } : {}),
    ...(input.viaToken ? { viaToken: input.viaToken.slice(0, 64) } : {}),
    ...(input.impact ? { impact: input.impact } : {}),
    ...(what.preflight ? { preflight: what.preflight } : {}),
    ...(input.rerun ? { rerun: input.rerun } : {}),
    ...(what.startAt ? { startAt: what.startAt } : {}),
    ...(what.needs ? { needs: what.needs } : {}),
  };
}
