import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvals } from '../../../src/capabilities/approvals/index.js';
import { partsOf } from '../../harness/started-capabilities.js';
import { importersOf, SRC, sources } from '../folder-importers.js';

/**
 * Approvals (requests to create, their pre-flight, decisions and scheduled starts) are one
 * capability folder (ADR 0014): outside `src/capabilities/approvals/` only the registry and the
 * capabilities that build on a request (delta runs and the API make them) name it. The
 * list may only get shorter: an entry that no longer imports it fails here until it is removed.
 */
const FOLDER = 'capabilities/approvals/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?approvals\/[^']+'/;

/** Core files still naming the folder, each with why. */
const CORE_READERS: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
};

/**
 * Capabilities that build on a request to create, through their declared dependency on it
 * (`test/layout/capability-pairs.test.ts`): not the core. Its record is a shared leaf
 * (`capabilities/shared/approval-record.ts`) that those which only read it import instead.
 */
const CAPABILITY_READERS = [
  'capabilities/delta-runs/request-rerun.ts',
  'capabilities/delta-runs/request-retry.ts',
  'capabilities/delta-runs/rerun-blocks.ts',
  'capabilities/api/requests.ts',
];

describe('the approvals capability is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);
  const known = (f: string) => f in CORE_READERS || CAPABILITY_READERS.includes(f);

  it('is named outside its folder only by the registry and the files listed', () => {
    expect(importers.filter((f) => !known(f))).toEqual([]);
  });

  it('lists no file that stopped reading it', () => {
    const listed = [...Object.keys(CORE_READERS), ...CAPABILITY_READERS];
    expect(listed.filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the transport, the watcher, the store or the providers', () => {
    const core = importers.filter((f) =>
      /^(?:slack\/(?:context|sender|create-slack-app|listeners\/index|listeners\/router)\.ts|watcher\/|store\/|providers\/|bot(?:-jobs)?\.ts)/.test(
        f,
      ),
    );
    expect(core).toEqual([]);
  });

  it('is not a field of AppDeps: listeners reach the started capability', () => {
    const context = readFileSync(path.join(SRC, 'slack/context.ts'), 'utf8');
    const appDeps = /export interface AppDeps \{([\s\S]*?)\n\}/.exec(context)?.[1] ?? '';
    expect(appDeps).toContain('capabilities: StartedCapabilities;');
    expect(appDeps).not.toMatch(/^\s*approvals\??:/m);
  });

  it('declares its settings itself: the settings subcommand is given them as a section', () => {
    const words = (partsOf(approvals).commands?.settingsSections ?? []).flatMap((s) =>
      s.forms.map((f) => f.words[0]),
    );
    expect(words).toEqual(['approvals', 'approval-ttl', 'approvers', 'approval-notify']);
    const settings = readFileSync(path.join(SRC, 'slack/listeners/commands/subcommands/settings.ts'), 'utf8');
    expect(settings).not.toMatch(/approvalsChannel|approvalTtlHours|approversGroup|approvalNotify|APPROVER/);
  });

  it('left nothing at the old places', () => {
    const old = sources().filter(
      (f) =>
        f.startsWith('approvals/') ||
        f.startsWith('slack/listeners/approvals/') ||
        /^slack\/blocks\/approval-/.test(f) ||
        ['slack/approval-messenger.ts', 'slack/workflow-step-decisions.ts'].includes(f),
    );
    expect(old).toEqual([]);
  });
});
