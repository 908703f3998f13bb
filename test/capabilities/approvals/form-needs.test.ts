import { describe, expect, it } from 'vitest';
import { responseActionProblems, type ShownView } from '../../harness/interactions.js';
import { approvalsBot } from './approvals-rig.js';

/**
 * Issue #51 item 4, "The create form calls fields optional, then refuses them as missing": the OMS
 * form is redrawn when the task type changes, and marks as required exactly what that type (and the
 * source cloud) needs. Filled that way, with every optional field left empty, no type is refused; a
 * needed field left empty is answered at its own block, in words, in the reader's language.
 */
type Json = Record<string, unknown>;

const OPERATOR = 'U0OPER004';
const KOREAN = 'U0KOREAN4';
const CHINESE = 'U0CHINES4';

const {
  t,
  ix,
  views,
  openForm: opened,
} = approvalsBot({
  roles: { [OPERATOR]: 'operator', [KOREAN]: 'operator', [CHINESE]: 'operator' },
  locales: { [KOREAN]: 'ko-KR', [CHINESE]: 'zh-CN' },
  approvalsChannel: false,
});

const openForm = (what: 'task' | 'group', userId = OPERATOR): Promise<ShownView> => opened(what, userId);

/** Picks `value` in the form's `field` select as `userId`; the form as the bot redrew it. */
async function pick(form: ShownView, field: string, value: string, userId = OPERATOR): Promise<ShownView> {
  const before = views.shown.length;
  const res = await ix.select(form, `create.${field}`, value, {}, { userId });
  expect(res.status).toBe(200);
  return t.fakeSlack.waitFor(() => views.shown.slice(before).find((v) => v.method === 'views.update'));
}

function inputs(view: Json): Json[] {
  return ((view.blocks as Json[]) ?? []).filter((b) => b.type === 'input');
}

function input(view: Json, field: string): Json {
  const found = inputs(view).find((b) => String(b.block_id).split('.')[0] === field);
  if (!found) throw new Error(`no ${field} input`);
  return found;
}

const hint = (block: Json) => (block.hint as { text?: string } | undefined)?.text;
const initial = (block: Json) =>
  ((block.element as Json).initial_option as { value?: string } | undefined)?.value;

/**
 * What a person types into each input the form says is required, by field; every optional one is
 * left empty (a select's preselected choice stays, as in Slack).
 */
function requiredValues(view: Json): Record<string, string | undefined> {
  const typed: Record<string, string> = {
    src_bucket: 'src-bucket',
    list_file: 'my-lists/objects.txt',
    src_app_id: '1250000000',
    dst_bucket: 'dst-bucket',
  };
  const values: Record<string, string | undefined> = {};
  for (const block of inputs(view)) {
    const field = String(block.block_id).split('.')[0]!;
    const element = block.element as Json;
    if (block.optional === true) {
      if (element.type === 'plain_text_input') values[field] = undefined;
      continue;
    }
    const options = element.options as { value: string }[] | undefined;
    const value = typed[field] ?? initial(block) ?? options?.[0]?.value;
    if (value === undefined) throw new Error(`nothing to put in ${field}`);
    values[field] = value;
  }
  return values;
}

describe('the OMS create form says what the task type needs', () => {
  it('redraws on a new task type: needed fields required, the rest optional, each hint true', async () => {
    const form = await openForm('task');
    expect(input(form.view, 'task_type').dispatch_action).toBe(true);
    // Prefixes (the default): a source region and bucket, no list file.
    expect(input(form.view, 'src_region').optional).toBe(false);
    expect(input(form.view, 'src_bucket').optional).toBe(false);
    expect(input(form.view, 'list_file').optional).toBe(true);
    expect(input(form.view, 'src_app_id').optional).toBe(true);

    const urls = await pick(form, 'task_type', 'url_list');
    const cloud = input(urls.view, 'src_cloud');
    expect(cloud.block_id).toBe('src_cloud.url');
    expect(initial(cloud)).toBe('URLSource');
    expect(input(urls.view, 'src_region')).toMatchObject({ optional: true });
    expect(hint(input(urls.view, 'src_region'))).toBe('Not used for URL lists.');
    expect(input(urls.view, 'src_bucket').optional).toBe(true);
    expect(input(urls.view, 'list_file').optional).toBe(false);

    const list = await pick(urls, 'task_type', 'list');
    expect(input(list.view, 'src_cloud').block_id).toBe('src_cloud');
    expect(input(list.view, 'src_region').optional).toBe(false);
    expect(input(list.view, 'src_bucket').optional).toBe(false);
    expect(input(list.view, 'list_file').optional).toBe(false);
    expect(hint(input(list.view, 'src_objects'))).toBe('Not used for list-file tasks: leave it empty.');

    const tencent = await pick(list, 'src_cloud', 'Tencent');
    expect(input(tencent.view, 'src_app_id').optional).toBe(false);
  });

  for (const [what, types] of [
    ['task', ['object', 'prefix', 'list', 'url_list']],
    ['group', ['PREFIX', 'LIST', 'URL_LIST']],
  ] as const) {
    it(`takes every ${what} type filled as labelled, optional fields empty`, async () => {
      for (const type of types) {
        const form = await pick(await openForm(what), 'task_type', type);
        const res = await ix.submit(form, requiredValues(form.view), { userId: OPERATOR });
        expect(res.status).toBe(200);
        // The modal closes: nothing it called optional (or anything else) was refused.
        expect({ type, answer: res.body }).toEqual({ type, answer: undefined });
      }
    });
  }

  it('a Tencent source filled as labelled is taken too (its App ID is asked for)', async () => {
    const form = await pick(await openForm('task'), 'src_cloud', 'Tencent');
    const res = await ix.submit(form, requiredValues(form.view), { userId: OPERATOR });
    expect(res.body).toBeUndefined();
  });

  it('a needed field left empty is refused at its own block, in words, in three languages', async () => {
    for (const [user, said] of [
      [OPERATOR, 'The task type Prefixes needs the source bucket: pick one from the list.'],
      [KOREAN, '작업 유형이 접두사이면 소스 버킷이 필요합니다. 목록에서 고르세요.'],
      [CHINESE, '任务类型为前缀时需要源端桶：请从列表中选择。'],
    ] as const) {
      const form = await openForm('task', user);
      const values = requiredValues(form.view);
      const bucket = String(input(form.view, 'src_bucket').block_id);
      values.src_bucket = undefined;
      const res = await ix.submit(form, values, { userId: user });
      expect(res.body).toMatchObject({ response_action: 'errors', errors: { [bucket]: said } });
      expect(Object.keys(res.body?.errors as Json)).toEqual([bucket]);
      expect(responseActionProblems(res.body!, form.view)).toEqual([]);
    }
  });
});
