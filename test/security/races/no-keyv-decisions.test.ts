import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyvWritesOfDecisions } from './unique-decisions-rig.js';

// Issue 46: the decisions unique-decisions.test.ts races on two replicas are each one atomic
// operation of the shared state. This guard reads src/ for the other way to write one, a Keyv
// `set`/`delete` of its key: a check-then-write waiting to race.

describe('no decision is written through the Keyv store (static guard)', () => {
  /** The keys of the decisions unique-decisions.test.ts races; a Keyv `set`/`delete` of one is a check-then-write waiting to race. */
  const DECISION_PREFIXES = [
    'claim:',
    'approval-decision:',
    'approval-start:',
    'approvals:pending',
    'approvals:scheduled-set',
    'departed:',
    'departure:',
    'departures:pending',
    'lease:',
    'inbound:',
    'oauth-state:',
    'team-watches:',
    'sub-ledger:',
    'connections:',
    'workspace-posts:',
  ];
  /** Keyv writes in files that make a decision, there on purpose: file → the call, and why. */
  const ALLOWED: Record<string, Record<string, string>> = {
    'src/capabilities/on-call/claims.ts': {
      'this.#legacy?.delete(k)':
        "0.2.0's claims, only read (honoured) now: deleted after the compare-and-set decided (hand back, take over, release)",
    },
    'src/capabilities/approvals/approval-store.ts': {
      'this.#store.set(recordKey(': "the request's record, beside the decision (approval-decision: decides)",
      'this.#store.set(approverMessagesKey(': "the approvers' messages of a request, beside it",
      'this.#store.set(messageKey(':
        'where the request was posted, beside its record: written once, so it never rewrites a decided record',
      'this.#store.delete(messageKey(': "forget: an uninstalled workspace's records",
      'this.#store.delete(key)': "takeApproverMessages: the approvers' messages, beside the request",
      'this.#store.delete(recordKey(': "forget: an uninstalled workspace's records",
      'this.#store.delete(approverMessagesKey(': "forget: an uninstalled workspace's records",
      'this.#store.delete(LEGACY_PENDING_LIST)': "0.2.0's index, deleted once its members are in the set",
    },
  };

  it('finds no Keyv set/delete of a decision key in src/', () => {
    const found = keyvWritesOfDecisions(
      path.resolve(import.meta.dirname, '..', '..', '..'),
      DECISION_PREFIXES,
    );
    // The scan sees the writes it should (else it proves nothing): the legacy claim deletes.
    expect(found.some((f) => f.file === 'src/capabilities/on-call/claims.ts')).toBe(true);
    const offending = found.filter(
      ({ file, call }) => !Object.keys(ALLOWED[file] ?? {}).some((allowed) => call.startsWith(allowed)),
    );
    expect(offending).toEqual([]);
  });
});
