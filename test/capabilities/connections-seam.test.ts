import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connections } from '../../src/capabilities/connections/index.js';
import { CONNECTION_WORDS } from '../../src/capabilities/connections/words.js';
import { MESSAGES } from '../../src/i18n/translator.js';
import type { AppDeps } from '../../src/slack/context.js';
import { SUBCOMMANDS, subcommandNames } from '../../src/slack/listeners/commands/subcommands/index.js';
import { ListenerRegistry } from '../../src/slack/listeners/router.js';
import { partsOf, startedForReading, subcommandsOf } from '../harness/started-capabilities.js';
import { SRC, sources } from './folder-importers.js';

const READING = startedForReading();

/**
 * Managing connections (`connect`, `connections`, `disconnect`, the connect modal, the list's
 * Disconnect button, "Fix connection keys") is one capability folder. The connections themselves
 * (the registry, the store, the providers) are the core's: every surface resolves a resource's
 * connection through them. Outside `src/capabilities/connections/` only the registry names the
 * folder; a core surface that offers one of its actions (a failure's "Fix connection keys", help's
 * "Add a connection") names its action id or subcommand's hook, never a module.
 */
const FOLDER = 'capabilities/connections/';

/**
 * The files outside the folder importing a module in it, by resolved path: the core's own
 * `src/connections/` (the registry, the store) shares the folder's name.
 */
function importersOfFolder(): string[] {
  return sources()
    .filter((f) => !f.startsWith(FOLDER))
    .filter((f) =>
      [...readFileSync(path.join(SRC, f), 'utf8').matchAll(/from\s+'(\.[^']+)'/g)].some((m) =>
        path
          .relative(SRC, path.resolve(SRC, path.dirname(f), m[1]!))
          .split(path.sep)
          .join('/')
          .startsWith(FOLDER),
      ),
    );
}

describe('the connections capability is one folder', () => {
  it('is named outside its folder only by the registry', () => {
    expect(importersOfFolder()).toEqual(['capabilities/registry.ts']);
  });

  it('brings its subcommands through the registry, listed by help where the core listed them', () => {
    const core = SUBCOMMANDS.map((s) => s.name);
    expect(core.filter((n) => ['connections', 'connect', 'disconnect'].includes(n))).toEqual([]);
    expect(subcommandsOf(connections).map((s) => [s.name, s.aliases])).toEqual([
      ['connections', ['conns']],
      ['connect', []],
      ['disconnect', []],
    ]);
    const names = subcommandNames(READING);
    const at = names.indexOf('audit');
    expect(names.slice(at, at + 4)).toEqual(['audit', 'connections', 'connect', 'disconnect']);
  });

  it('answers its modal and buttons itself, the ones core surfaces post included', () => {
    const registry = new ListenerRegistry();
    partsOf(connections).listeners?.(registry.routes, {} as AppDeps);
    expect(registry.entryPoints()).toEqual([
      { surface: 'view', id: 'connection.connect' },
      { surface: 'action', id: 'connection.disconnect' },
      { surface: 'action', id: 'connection.fix' },
      { surface: 'action', id: 'connection.form' },
    ]);
    // A failure whose keys were refused offers an admin "Fix connection keys" by its id alone.
    const card = readFileSync(path.join(SRC, 'slack/blocks/resource-card.ts'), 'utf8');
    expect(card).toContain("action_id: 'connection.fix'");
  });

  it('keeps its words in its folder, none of them the bot’s', () => {
    const keys = Object.keys(CONNECTION_WORDS.en);
    expect(keys).toContain('connect.saved.text');
    expect(keys).toContain('connection.header');
    expect(keys.filter((k) => k in MESSAGES.en)).toEqual([]);
    // What the core says itself stays the bot's: an error's "no HTTP answer", the store's refusals.
    for (const key of ['conn.health.noAnswer', 'connect.store.gone', 'connect.store.taken'])
      expect(key in MESSAGES.en, key).toBe(true);
  });

  it('left nothing at the old places', () => {
    const old = [
      'slack/connection-form/connection-form.ts',
      'slack/connection-form/connection-form-fields.ts',
      'slack/connection-form/connection-form-parse.ts',
      'slack/connection-form/connection-storage.ts',
      'slack/connection-form/connection-check-errors.ts',
      'slack/listeners/views/connect-connection.ts',
      'slack/listeners/actions/connection-actions.ts',
      'slack/listeners/actions/fix-keys-button.ts',
      'slack/listeners/commands/subcommands/connect.ts',
      'slack/listeners/commands/subcommands/connections.ts',
      'slack/listeners/commands/subcommands/disconnect.ts',
      'slack/blocks/connection-list.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});
