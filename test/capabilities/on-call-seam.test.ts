import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCall } from '../../src/capabilities/on-call/index.js';
import { partsOf } from '../harness/started-capabilities.js';
import { importersOf, SRC, sources } from './folder-importers.js';

/**
 * Claims and escalation are one capability folder, on-call (ADR 0014): outside
 * `src/capabilities/on-call/` only the registry names it, and the surfaces below that still read
 * it. They shrink as the seam learns to draw them (a card's claim line and buttons from a fact, a
 * row's "on it" line); the list may only get shorter: an entry that no longer imports it fails here
 * until it is removed.
 */
const FOLDER = 'capabilities/on-call/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?on-call\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'capabilities/plans/plan-view.ts': 'who is on a failed line of a plan (on-call’s fact)',
  'capabilities/verification/verification-post.ts': 'the owner of a failed verification’s failure',
};

describe('the on-call capability (claims and escalation) is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry and the surfaces listed', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no surface that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the core: Slack, the watcher, the use cases, reports, the store, the providers', () => {
    const core = /^(?:slack|watcher|use-cases|reports|store|providers)\//;
    expect(importers.filter((f) => core.test(f))).toEqual([]);
  });

  it('declares `settings escalation` itself, a section the settings subcommand is given', () => {
    expect(
      (partsOf(onCall).commands?.settingsSections ?? []).flatMap((s) => s.forms.map((f) => f.words[0])),
    ).toEqual(['escalation', 'escalation', 'escalation']);
    const settings = readFileSync(path.join(SRC, 'slack/listeners/commands/subcommands/settings.ts'), 'utf8');
    expect(settings).not.toMatch(/escalation/i);
  });

  it('is named by no surface that draws its claims through the hooks (status, list, Home)', () => {
    const rows = [
      'use-cases/show-resource.ts',
      'slack/blocks/use-case-replies.ts',
      'slack/blocks/resource-list.ts',
      'slack/blocks/app-home.ts',
      'slack/home/build-home.ts',
      'slack/listeners/commands/subcommands/list.ts',
    ];
    expect(rows.filter((f) => importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the watcher’s cycle, the store or the providers', () => {
    const cycle = importers.filter((f) =>
      /^(?:watcher\/(?:poll-cycle|next-record|transitions|watcher|outbox\/outbox|outbox\/event-entries)|store\/|providers\/)/.test(
        f,
      ),
    );
    expect(cycle).toEqual([]);
  });

  it('draws its escalation steps itself: no file outside it names escalation’s steps or posts', () => {
    // A step is an event note its job says (`WatchNotes.timed`), drawn by its `renderNote`.
    const steps = importersOf(FOLDER, /from\s+'[./]*(?:capabilities\/)?on-call\/escalation(?:-posts)?\.js'/);
    expect(steps).toEqual([]);
  });

  it('left nothing at the old places', () => {
    const old = [
      'resources/claims.ts',
      'use-cases/claim-failure.ts',
      'use-cases/take-over-failure.ts',
      'slack/blocks/claim.ts',
      'slack/blocks/escalation-posts.ts',
      'slack/listeners/actions/claim-button.ts',
      'slack/listeners/commands/subcommands/settings-escalation.ts',
      'watcher/escalation.ts',
      'watcher/escalation-policies.ts',
      'settings/escalation-settings.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});

/**
 * Issue 58 items 1 and 8: who is on a failure is on-call's fact (`facts['on-call'].onFailure`),
 * drawn by on-call through the capabilities' hooks: no core file keeps it as a field of its own
 * (`record.claim`, `claim?: Claim`), imports the claim's modules or draws its line or buttons.
 */
const NAMES_A_CLAIM =
  /from\s+'[./]*(?:capabilities\/)?on-call\/(?:claim[^']*|on-call-fact)\.js'|\bClaim\b|\.claim\b(?!\s*\()|\bclaim\??:\s|\b(?:claimLine|claimBlock|claimButton|takeOverButton|showsClaim)\b/;

/** Core files that still name it, and why; the list may only get shorter. */
const STILL_NAMES_A_CLAIM: Record<string, string> = {
  'watcher/records/record-expand.ts': 'reads the `claim` (`cl`) of older records as on-call’s fact',
};

describe('a claim is on-call’s fact, not the core’s', () => {
  const core = sources().filter((f) => !f.startsWith('capabilities/'));
  const naming = core.filter((f) => NAMES_A_CLAIM.test(readFileSync(path.join(SRC, f), 'utf8')));

  it('is named by no core file but those listed', () => {
    expect(naming.filter((f) => !(f in STILL_NAMES_A_CLAIM))).toEqual([]);
  });

  it('lists no core file that stopped naming it', () => {
    expect(Object.keys(STILL_NAMES_A_CLAIM).filter((f) => !naming.includes(f))).toEqual([]);
  });
});
