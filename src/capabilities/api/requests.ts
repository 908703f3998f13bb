import { channelScope } from '../../access/policy.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import type { AppDeps } from '../../slack/context.js';
import { createChoices } from '../../slack/listeners/views/create-flow.js';
import { providerCheck } from '../../slack/listeners/views/create-listeners.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { approvalsOf } from '../approvals/approvals-state.js';
import { parseDetails } from '../request-details.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { ApiToken } from './tokens.js';

const CHANNEL = /^[CG][A-Z0-9]{2,39}$/;
const KEY = /^[A-Za-z0-9._:-]{1,100}$/;
/** How long an Idempotency-Key names its request. */
const KEY_LIFE_MS = 24 * 3_600_000;

export interface NewApiRequest {
  connection: string;
  kind?: string;
  /** The create form's fields, as the workflow step's "details": `field: value` lines. */
  details: string;
  /** Where the requester is told (and the request is posted without an approvals channel). */
  channel?: string;
}

function parseBody(body: unknown): NewApiRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const connection = text(b.connection);
  const details = typeof b.details === 'string' ? b.details : undefined;
  if (!connection || !details) throw new InvalidInputError('A request needs "connection" and "details".');
  const channel = text(b.channel);
  if (channel && !CHANNEL.test(channel))
    throw new InvalidInputError('"channel" is a channel id such as C0123ABCD.');
  const kind = text(b.kind);
  return { connection, details, ...(kind ? { kind } : {}), ...(channel ? { channel } : {}) };
}

/** A request as the API answers it (`Request` in openapi.json). */
export function requestBody(r: ApprovalRecord) {
  return {
    id: r.id,
    status: r.status,
    connection: r.connection,
    kind: r.kind,
    poll: `/api/v1/requests/${encodeURIComponent(r.id)}`,
    ...(r.resourceId ? { resource: { connection: r.connection, kind: r.kind, id: r.resourceId } } : {}),
  };
}

/**
 * Asks for a new migration as the workflow step does, through the same checks (the `create` role
 * in the channel, the form's validation, the provider's check) and the same `approvals.request`:
 * it is posted in Slack for an approver. An `Idempotency-Key` names one request for a day, so a
 * client that retries gets the same id and nothing is asked twice.
 */
export async function createRequest(
  ctx: UseCaseContext,
  deps: AppDeps,
  kv: AtomicKv,
  raw: unknown,
  idempotencyKey: string | undefined,
  token: Pick<ApiToken, 'name' | 'createdBy'>,
): Promise<ApprovalRecord> {
  const input = parseBody(raw);
  const channel = input.channel ?? ctx.channelId;
  if (!channel) throw new InvalidInputError('A workspace token says where to post: give "channel".');
  await ctx.require('create', channelScope(channel), 'ask for new migrations');
  if (idempotencyKey !== undefined && !KEY.test(idempotencyKey))
    throw new InvalidInputError('Idempotency-Key is 1 to 100 letters, digits, ".", "_", ":" or "-".');
  const choices = createChoices(deps.connections.forTeam(ctx.teamId), [
    input.connection,
    ...(input.kind ? [input.kind] : []),
  ]);
  const choice = choices.length === 1 ? choices[0] : undefined;
  if (!choice) {
    if (choices.length === 0) deps.connections.get(ctx.teamId, input.connection);
    throw new InvalidInputError(
      `${input.connection} can create ${choices.map((c) => c.target.kind).join(' or ') || 'nothing'}: say which in "kind".`,
    );
  }
  const { target } = choice;
  const values = parseDetails(input.details, target.labels, `the ${target.label} form`);
  const result = target.toRequest(values);
  const meta = {
    connection: choice.connection,
    provider: target.provider,
    kind: target.kind,
    requester: ctx.userId,
  };
  const problems = result.ok ? await providerCheck(deps, ctx.teamId, meta, result.request) : result.errors;
  if (!result.ok || Object.keys(problems).length > 0)
    throw new InvalidInputError(
      `The details are not a valid ${target.label} request: ${Object.values(problems).join(' ')}`,
    );
  const key = idempotencyKey && `api:idem:${ctx.teamId}:${idempotencyKey}`;
  if (key) {
    let earlier: string | undefined;
    const mark = `pending:${ctx.opId}`;
    await kv.update(key, (current) => {
      earlier = current;
      return current === undefined ? mark : SKIP;
    });
    if (earlier?.startsWith('pending:'))
      throw new InvalidInputError('A request with this Idempotency-Key is being made.');
    if (earlier) return approvalsOf(deps).get(ctx.teamId, earlier);
    await kv.expire(key, KEY_LIFE_MS);
  }
  try {
    // The token's maker is the requester: the two-person rule, the audit and the approvers see them.
    const record = await approvalsOf(deps).request({
      team: ctx.teamId,
      requester: token.createdBy,
      viaToken: token.name,
      channel,
      connection: choice.connection,
      kind: target.kind,
      request: result.request,
      op: ctx.opId,
    });
    if (key) await kv.update(key, () => record.id);
    return record;
  } catch (error) {
    if (key) await kv.update(key, () => undefined);
    throw error;
  }
}

/** One request of the token's workspace (viewer). */
export async function showRequest(ctx: UseCaseContext, deps: AppDeps, id: string): Promise<ApprovalRecord> {
  await ctx.require('view', ctx.here, 'see migration requests');
  const record = await approvalsOf(deps)
    .get(ctx.teamId, id)
    .catch(() => undefined);
  if (!record || record.team !== ctx.teamId) throw new NotFoundError(`No request ${id} here.`);
  return record;
}
