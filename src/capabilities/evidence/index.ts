import type { ServerResponse } from 'node:http';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import { NotFoundError } from '../../errors.js';
import { parseRef } from '../../slack/command-text.js';
import { findResource } from '../../use-cases/context.js';
import { sendJson } from '../api/problem.js';
import { PlanStore } from '../plans/plan-store.js';
import { buildBundle, type EvidenceState } from './evidence-bundle.js';
import { EVIDENCE_ACTION, evidenceButton, evidenceButtonHandler } from './evidence-button.js';
import { evidenceCommand } from './evidence-command.js';
import { evidenceKeys } from './keys.js';
import { EVIDENCE, recordEnding } from './ledger.js';
import { planSubject } from './plan-subject.js';
import { EVIDENCE_WORDS } from './words.js';

/**
 * Evidence (issue 78): the whole story of a migration's chain, from what the bot already keeps, in
 * one file signed with Ed25519 (`MIGRATE_BOT_EVIDENCE_KEYS`, docs/evidence.md). Its fact of a
 * watch is the ledger of the runs that ended (`ledger.ts`, written at each ending); the bundle is
 * built on request by `/migrate evidence`, the button under a verification post, or
 * `GET /api/v1/evidence/{ref}`; the public keys are served at `GET /api/v1/evidence-keys`.
 */
export const evidence: Capability = {
  name: EVIDENCE,
  words: EVIDENCE_WORDS,
  start(core) {
    const s: EvidenceState = {
      keys: evidenceKeys(core.config.evidenceKeys),
      audit: core.audit,
      plans: new PlanStore(core.state, core.watcher.options.keyPrefix ?? ''),
      approval: async (team, id) => core.approvals?.find(team, id),
      kv: core.state,
      secrets: core.secrets,
    };
    const stateOf = () => s;
    return {
      state: s,
      watch: { ending: recordEnding },
      commands: { subcommands: [evidenceCommand(stateOf)] },
      posts: { verificationButtons: evidenceButton },
      listeners(routes) {
        routes.action<BlockAction<ButtonAction>>(EVIDENCE_ACTION, evidenceButtonHandler(stateOf));
      },
      http: {
        // The public keys, for anyone checking a bundle: public by nature, so no token is asked.
        routes: () => [
          {
            path: '/api/v1/evidence-keys',
            method: ['GET'],
            handler: (_req, res) => sendJson(res, 200, { keys: s.keys?.public ?? [] }),
          },
          // Each key as a PEM file, for the openssl recipe (docs/evidence.md).
          ...(s.keys?.public ?? []).map((k) => ({
            path: `/api/v1/evidence-keys/${k.keyId}.pem`,
            method: ['GET'],
            handler: (_req: unknown, res: ServerResponse) =>
              res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(k.pem),
          })),
        ],
        apiReads: [
          {
            path: 'evidence/:ref',
            read: async (ctx, params) => {
              await ctx.require('view', ctx.here, 'get the evidence of a migration');
              const typed = decodeURIComponent(params.ref ?? '');
              // `plan:<plan id>`: the chains of every migration of the plan.
              const plan = /^plan:(.+)$/.exec(typed)?.[1];
              if (plan) return buildBundle(s, ctx, await planSubject(s.plans, ctx.teamId, plan));
              const { resource } = await findResource(ctx, { ref: parseRef('evidence', [typed]) });
              const bundle = await buildBundle(s, ctx, resource);
              if (!bundle.text) throw new NotFoundError('No evidence.');
              return bundle;
            },
          },
        ],
      },
    };
  },
};
