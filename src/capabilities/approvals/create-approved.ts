import type { AuditEntry } from '../../audit/audit-log.js';
import type { RequestSettled } from '../../contract/gate.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { summarizeCreateRequest } from '../../providers/create-request.js';
import type { ResourceAction } from '../../providers/types.js';
import type { ResourceTitles } from '../../resources/resource-titles.js';
import { failureShown } from './approval-failure.js';
import type { ApprovalRecord } from './approval-record.js';
import type { ApprovalStore } from './approval-store.js';
import type { ApprovalServiceOptions, Decision } from './approval-types.js';
import { checkOf } from './approval-votes.js';
import { createOrRestart } from './create-or-restart.js';

/** What creating an approved request needs of the service. */
export interface CreateApprovedDeps {
  o: ApprovalServiceOptions;
  records: ApprovalStore;
  titles: ResourceTitles;
  audit(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  /** Redraws the request message and the approvers' direct messages from the record. */
  redraw(record: ApprovalRecord): Promise<void>;
  notify(what: string, work: () => Promise<void>): Promise<void>;
}

/**
 * Creates what an approved request asks for (at the approval, or when its start time is due): the
 * record names the new resource, the request message and the approvers' messages are redrawn, the
 * card is posted and the requester told. A provider's refusal fails the request, said the same ways.
 */
export async function createApproved(
  d: CreateApprovedDeps,
  approved: ApprovalRecord,
  op: string,
): Promise<Decision> {
  const entry = {
    team: approved.team,
    user: approved.decidedBy ?? approved.requester,
    channel: approved.message?.channel,
    action: 'create',
    op,
  };
  try {
    const connection = d.o.connections.get(approved.team, approved.connection);
    const provider = d.o.connections.provider(connection, 'interactive');
    const created = await createOrRestart(provider, approved);
    const record = await d.records.save({
      ...approved,
      resourceId: created.id,
      resourceName: created.name.slice(0, 1024),
    });
    // The provider named it itself (an OMS task): the requester's title leads wherever it is shown.
    const ref = { connection: connection.name, kind: approved.kind, id: created.id };
    const typed = summarizeCreateRequest(approved.provider, approved.kind, approved.request).name;
    await d.notify('keep the title', () => d.titles.noteIfRenamed(approved.team, ref, typed, created.name));
    await d.notify('keep the requester', () =>
      d.titles.noteRequester(approved.team, ref, approved.requester),
    );
    await settled(d, record, { created: { kind: approved.kind, id: created.id } });
    await d.audit({
      ...entry,
      target: `${connection.name}:${created.id}`,
      result: 'ok',
      detail: `approval ${approved.id}${approved.startedAt ? ` (start at ${approved.startAt})` : ''}`,
    });
    let resource: MigrationResource | undefined;
    let actions: ResourceAction[] = [];
    try {
      resource = await provider.get(approved.kind, created.id);
      actions = provider.actionsFor(resource);
      await d.o.resolver.index.remember(approved.team, [
        { connection: connection.name, kind: resource.kind, id: resource.id, name: resource.name },
      ]);
    } catch (error) {
      d.o.logger.warn({ err: error, id: created.id }, 'created, but could not read the new resource');
    }
    await d.redraw(record);
    await d.notify('post card', () => d.o.messenger.postCreated(record, resource, actions));
    await d.notify('tell requester', () => d.o.messenger.tellRequester(record));
    return { outcome: 'created', record, resource };
  } catch (error) {
    const failure = failureShown(d.o.secrets, error, approved.team, true);
    d.o.logger.warn({ err: error, approval: approved.id }, 'approved, but creating failed');
    const record = await d.records.save({ ...approved, status: 'failed', failure });
    await settled(d, record, { failed: true });
    await d.audit({
      ...entry,
      target: `approval:${approved.id}`,
      result: 'failed',
      detail: failure.message.slice(0, 500),
    });
    await d.redraw(record);
    await d.notify('tell requester', () => d.o.messenger.tellRequester(record));
    return { outcome: 'failed', record };
  }
}

/** Tells the capabilities how an approved request settled (a quota's share given back when it failed). */
export async function settled(
  d: CreateApprovedDeps,
  record: ApprovalRecord,
  how: RequestSettled,
): Promise<void> {
  const gate = d.o.gate;
  if (!gate?.settled) return;
  await d.notify('settle the rules', () => gate.settled!(checkOf(record, 'start', d.o.clock.now()), how));
}
