import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFileHooks } from '../../../src/capabilities/events/hook-file.js';
import { readFileSections } from '../../../src/connections/file-sections.js';

// Webhooks declared in the connections file (`webhooks:`): refused with line and reason when
// malformed, the secret from the environment.

const SECRET = 'x'.repeat(40);
function section(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'hooks-')), 'connections.yaml');
  writeFileSync(file, text);
  return readFileSections(file, ['webhooks'])[0]!;
}

describe('webhooks in the connections file', () => {
  it('reads each entry, with its secret from the environment', () => {
    const hooks = parseFileHooks(
      section(`connections: []
webhooks:
  - team: T0TEAM001
    url: https://hooks.example.com/migrations
    events: [failures, plans]
    connection: hw-prod
    secret_env: HOOK_SECRET
`),
      [],
      { HOOK_SECRET: SECRET },
    );
    expect(hooks).toEqual([
      expect.objectContaining({
        team: 'T0TEAM001',
        url: 'https://hooks.example.com/migrations',
        events: ['failures', 'plans'],
        connection: 'hw-prod',
        secret: SECRET,
      }),
    ]);
    expect(hooks[0]!.id).toMatch(/^f[0-9a-f]{6}$/);
  });

  it('refuses a malformed section with each problem line and reason', () => {
    const read = () =>
      parseFileHooks(
        section(`webhooks:
  - team: T0TEAM001
    url: https://10.1.2.3/x
    secret_env: HOOK_SECRET
  - team: T0TEAM001
    url: https://hooks.example.com/y
    events: [everything]
    secret_env: MISSING_SECRET
`),
        [],
        { HOOK_SECRET: SECRET },
      );
    expect(read).toThrow(/line 3: url refused by the endpoint rules \(private\)/);
    expect(read).toThrow(/line 7: events\.0: /);
    expect(() => parseFileHooks(section('webhooks: {a: 1}\n'), [], {})).toThrow(
      /line 1: webhooks must be a list/,
    );
    expect(() =>
      parseFileHooks(
        section('webhooks:\n  - team: T0TEAM001\n    url: https://h.example.com/\n    secret_env: S\n'),
        [],
        { S: 'short' },
      ),
    ).toThrow(/line 4: S is not set to a secret of at least 32 characters/);
  });
});
