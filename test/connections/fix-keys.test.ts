import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectBot, STORED } from '../harness/connect-bot.js';
import { buttons, messageText } from '../harness/test-bot.js';
import type { OpenedView } from '../harness/views.js';

// Issue #13: a failure whose class is credentials offers admins "Fix connection keys" as the main
// button; it opens the connection's form with its settings filled in, and new keys replace the
// stored ones only once they are tested. Signed commands, clicks and view submissions throughout.
const c = new ConnectBot();
const t = c.t;
const ADMIN = 'U0ALICE01';
const VIEWER = 'U0VIEW001';
const NAME = 'hw-fix';

beforeAll(async () => {
  await c.start();
  const saved = await c.submit(await c.openConnect('connect huawei-oms'), c.omsValues(NAME));
  expect(JSON.stringify(saved.body)).toContain('Tested and saved');
});
afterAll(async () => {
  await c.stop();
});

function failWithCredentials(): string {
  const task = c.oms.addTask({ name: 'keys-refused', status: 4 });
  c.oms.tasks.get(task.id)!.errorReason = {
    error_code: 'TRF.0015',
    error_msg: 'The source AK/SK is invalid.',
  };
  return task.id;
}

describe('Fix connection keys', () => {
  it('is the main button for an admin on a credentials failure, and absent for a viewer', async () => {
    const id = failWithCredentials();
    const admin = buttons(await t.ask(`status ${NAME}:${id}`, { userId: ADMIN }));
    expect(admin[0]).toMatchObject({ action_id: 'connection.fix', value: NAME, style: 'primary' });
    expect(admin.map((b) => b.action_id)).toContain('resource.refresh');
    const viewer = buttons(await t.ask(`status ${NAME}:${id}`, { userId: VIEWER }));
    expect(viewer.map((b) => b.action_id)).not.toContain('connection.fix');
  });

  it('opens the form with the settings filled in; wrong keys change nothing; right keys replace them', async () => {
    const before = t.fakeSlack.callsTo('views.open').length;
    await t.click('connection.fix', NAME, ADMIN);
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[before]);
    const view = { ...(call.body.view as OpenedView), id: 'V0FIXKEYS1' };
    expect((call.body.view as { title?: unknown }).title).toEqual({
      type: 'plain_text',
      text: 'Fix connection keys',
    });
    expect(JSON.parse(view.private_metadata ?? '')).toMatchObject({ r: NAME });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(`"initial_value":"${NAME}"`);
    expect(text).toContain(STORED.omsProjectId);
    expect(text).not.toContain(STORED.omsSk);

    // Another name is refused: the form replaces this connection's keys.
    const renamed = await c.submit(view, { ...c.omsValues('hw-other') });
    expect(JSON.stringify(renamed.body)).toContain(`Keep the name ${NAME}`);
    // Keys the provider refuses: said on the form, and the stored connection is untouched.
    const wrong = await c.submit(view, {
      ...c.omsValues(NAME),
      secret_key: 'hw-wrong-secret-key-XXXXXXXXXXXXXXXXXXX01',
    });
    expect(wrong.body?.response_action).toBe('errors');
    expect(t.bot.deps.connections.forTeam('T0FAKE001').some((x) => x.name === NAME)).toBe(true);
    const fixed = await c.submit(view, c.omsValues(NAME));
    expect(JSON.stringify(fixed.body)).toContain('replace the old ones');
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 10);
    expect(audit.find((a) => a.action === 'connection.keys')).toMatchObject({
      target: NAME,
      result: 'ok',
      user: ADMIN,
    });
    // Still one connection by that name, and it works.
    expect(t.bot.deps.connections.forTeam('T0FAKE001').filter((x) => x.name === NAME)).toHaveLength(1);
    expect(messageText(await t.ask(`list ${NAME}`))).toContain('keys-refused');
  });

  it('a viewer pressing it is refused, and a file connection is fixed where it is configured', async () => {
    await t.click('connection.fix', NAME, VIEWER);
    const refusal = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.responses.find((r) =>
        JSON.stringify(r.body).includes('admin role for the whole workspace to fix connection keys'),
      ),
    );
    expect(refusal).toBeDefined();
    const click = await t.click('connection.fix', 'hw-prod', ADMIN);
    expect(messageText(await click.answer())).toContain('configured as code');
  });
});
