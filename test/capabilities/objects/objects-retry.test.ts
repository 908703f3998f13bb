import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { editedTexts, ObjectsWorld, retryButton } from './objects-world.js';

// Issue 62, Retry these on NCP and UpCloud: a policy or a job takes one source prefix and no list
// of objects (seeds 000, 001). A check whose missing and different objects all sit under one
// narrower prefix offers a new run of just that prefix, through the approval, numbered "retry n" in
// the run's chain; one whose objects are spread says the provider cannot take a list and points at
// the CSV and the delta run. Keys anyone could have named stay inert in the post, card and request.

const TEAM = 'T0FAKE001';
const CHANNEL = 'C0RETRYPFX';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const APPROVER = 'U0RETRYBOB';
const SERVICE = '1200ecde-db95-4d1d-9c2c-00000000f00d';
const TOKEN = 'ucat_retry_token_00000000000000000001';
const NCP = { ak: 'NCPRETRYACCESSKEY001', sk: 'ncp-retry-secret-key-000000000000000001' };
const SRC = { ak: 'AKIASOURCE0000000001', sk: 'aws-source-secret-key-retry-000000001' };
const DST = { ak: 'UCOSKEY0000000000001', sk: 'upcloud-storage-secret-key-retry-0001' };
/** A key an outsider named: a mention, markup, a CSV formula, a control character. */
const NASTY = 'data/2024/05/<!channel> *bold* =HYPERLINK("x")\u0007.bin';
const LONG = `data/2024/05/${'k'.repeat(1_024 - 'data/2024/05/'.length)}`;

const world = new ObjectsWorld({
  src: { ...SRC, buckets: ['retry-src'] },
  dst: { ...DST, buckets: ['retry-dst'] },
  upcloud: { serviceId: SERVICE, token: TOKEN },
  ncp: NCP,
});
const { store, upcloud, ncp } = world;
const t = new TestBot();

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: () => [world.upcloudConnection('uc-fi'), world.ncpConnection('ncp-kr')],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
  });
  await t.ask(`access grant <@${APPROVER}> approver`, ALICE);
  // UpCloud job: data/ → copy/; everything wanting is under data/2024/05/.
  for (let i = 0; i < 300; i++) {
    const month = String((i % 6) + 1).padStart(2, '0');
    const key = `data/2024/${month}/${String(i).padStart(3, '0')}.bin`;
    store.putObject('retry-src', key, `v${i}`);
    if (key === 'data/2024/05/004.bin' || key === 'data/2024/05/010.bin') continue;
    store.putObject(
      'retry-dst',
      `copy/${key.slice(5)}`,
      key === 'data/2024/05/016.bin' ? 'changed' : `v${i}`,
    );
  }
  store.putObject('retry-src', NASTY, 'nasty');
  store.putObject('retry-src', LONG, 'long');
  // NCP policy: spread/ → ncp/; wanting objects at both ends of the prefix.
  for (let i = 0; i < 50; i++) {
    store.putObject('retry-src', `spread/${i}.bin`, `s${i}`);
    if (i !== 0 && i !== 49) store.putObject('retry-dst', `ncp/${i}.bin`, `s${i}`);
  }
});
afterAll(async () => {
  await t.stop();
  await world.stop();
});

function finalPost(id: string): string | undefined {
  return editedTexts(t.fakeSlack)
    .filter((text) => text.includes(id) && !text.includes('Checking…'))
    .at(-1);
}

/** A completed UpCloud job of retry-src/data/ into retry-dst/copy/. */
const dataJob = (name: string) =>
  world.upcloudJob(name, { bucket: 'retry-src', prefix: 'data/' }, { bucket: 'retry-dst', prefix: 'copy/' });

describe('Retry these on UpCloud: one prefix', { timeout: 90_000 }, () => {
  it('asks for a new job of just the prefix the wanting objects share, numbered in the chain', async () => {
    const job = dataJob('archive');
    await t.ask(`verify uc-fi:${job.uuid}`, ALICE);
    const post = await until(() => finalPost(job.uuid), { what: 'the check’s result', timeoutMs: 30_000 });
    expect(post).toContain('4 missing at the destination · 1 different');
    expect(post).toContain('UpCloud takes one prefix per run, not a list of objects');
    expect(post).toContain('everything under `data/2024/05/`, where all 5 are');
    expect(post).not.toContain('<!channel>');
    const button = await until(() => retryButton(t.fakeSlack, job.uuid), {
      what: 'Retry these',
      timeoutMs: 10_000,
    });
    expect(button.text?.text).toBe('Retry these 5 objects');
    // The button names only the run: no key, no prefix travels in it.
    expect(button.value).not.toContain('data/');

    const jobs = upcloud.jobs.size;
    const since = t.fakeSlack.calls.length;
    const click = await t.click('objects.retry', button.value!, ALICE);
    expect(String((await click.answer()).text)).toContain(
      'Asked for approval: archive · retry 1, a run of everything under `data/2024/05/`',
    );
    const request = await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const card = messageText(request.message);
    expect(card).toContain('Retry 1');
    expect(card).toContain(
      'everything under `data/2024/05/` again, where the 5 missing or different objects are',
    );
    expect(card).not.toContain('<!channel>');
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.request).toMatchObject({
      name: 'archive · retry 1',
      sourceBucket: 'retry-src',
      sourcePrefix: 'data/2024/05/',
      targetBucket: 'retry-dst',
      targetPrefix: 'copy/2024/05/',
    });
    expect(record.rerun).toMatchObject({
      n: 1,
      retry: { what: 'prefix', objects: 5, prefix: 'data/2024/05/' },
    });
    expect(upcloud.jobs.size).toBe(jobs);

    await decideApproval(t, new Interactions(t), { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const made = await until(() => [...upcloud.jobs.values()].find((j) => j.name === 'archive · retry 1'), {
      what: 'the retry job',
      timeoutMs: 10_000,
    });
    expect(made.source).toMatchObject({ bucket: 'retry-src', prefix: 'data/2024/05/' });
    expect(made.target).toMatchObject({ bucket: 'retry-dst', prefix: 'copy/2024/05/' });

    // A second press is the chain's retry 2, not a second "retry 1".
    const again = await t.click('objects.retry', button.value!, ALICE);
    expect(String((await again.answer()).text)).toContain('archive · retry 2');
  });
});

describe('Retry these in the run’s thread', { timeout: 90_000 }, () => {
  it('tells the watched run’s thread "Retry 1 requested", through its outbox', async () => {
    const job = dataJob('watched');
    await t.ask(`watch uc-fi:${job.uuid} <#${CHANNEL}|ops>`, ALICE);
    const card = await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return t.fakeSlack
          .callsTo('chat.postMessage')
          .find(
            (c) => !c.body.thread_ts && c.body.channel === CHANNEL && messageText(c.body).includes(job.uuid),
          );
      },
      { what: 'the run’s card', timeoutMs: 20_000 },
    );
    await t.ask(`verify uc-fi:${job.uuid}`, ALICE);
    const button = await until(() => retryButton(t.fakeSlack, job.uuid), {
      what: 'Retry these',
      timeoutMs: 30_000,
    });
    const since = t.fakeSlack.calls.length;
    await t.click('objects.retry', button.value!, ALICE);
    await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const line = await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return t.fakeSlack
          .callsTo('chat.postMessage')
          .find(
            (c) => c.body.thread_ts === card.ts && messageText(c.body).includes('requested by <@U0ALICE01>'),
          );
      },
      { what: 'the chain line in the run’s thread', timeoutMs: 20_000 },
    );
    expect(messageText(line.body)).toContain('*Retry 1* requested by <@U0ALICE01>');
  });
});

describe('Retry these on NCP: objects spread over the whole prefix', { timeout: 60_000 }, () => {
  it('says NCP takes no list of objects and points at the CSV and the delta run', async () => {
    world.ncpPolicy(
      'spread-policy',
      { jobState: 'DONE', progress: 1, objects: 50 },
      { bucket: 'retry-src', prefix: 'spread/' },
      { bucket: 'retry-dst', prefix: 'ncp/' },
    );
    await t.ask('verify ncp-kr:spread-policy', ALICE);
    const post = await until(() => finalPost('spread-policy'), {
      what: 'the check’s result',
      timeoutMs: 30_000,
    });
    expect(post).toContain('2 missing at the destination');
    expect(post).toContain('NCP Object Migration takes one prefix per run, not a list of objects');
    expect(post).toContain('every key is in the CSV in the thread');
    // Issue 74, item 15: nobody watched the run, so there is no verification post to point at.
    expect(post).not.toContain('on the run’s verification post');
    expect(post).toContain('only on the verification post of a run it watched to its end');
    expect(post).toContain('`/migrate create ncp-kr`');
    expect(retryButton(t.fakeSlack, 'spread-policy')).toBeUndefined();
  });

  it('asks for a new policy of one narrower prefix, its title made one NCP takes', async () => {
    for (let i = 0; i < 20; i++) {
      store.putObject('retry-src', `narrow/${i % 2 ? 'a' : 'b'}/${i}.bin`, `n${i}`);
      if (i !== 3 && i !== 5) store.putObject('retry-dst', `n/${i % 2 ? 'a' : 'b'}/${i}.bin`, `n${i}`);
    }
    world.ncpPolicy(
      'narrow_policy',
      { jobState: 'DONE', progress: 1, objects: 20 },
      { bucket: 'retry-src', prefix: 'narrow/' },
      { bucket: 'retry-dst', prefix: 'n/' },
    );
    await t.ask('verify ncp-kr:narrow_policy', ALICE);
    const button = await until(() => retryButton(t.fakeSlack, 'narrow_policy'), {
      what: 'Retry these',
      timeoutMs: 30_000,
    });
    const since = t.fakeSlack.calls.length;
    await t.click('objects.retry', button.value!, ALICE);
    const request = await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.request).toMatchObject({
      title: 'narrow_policy-retry-1',
      sourcePrefix: 'narrow/a/',
      targetPrefix: 'n/a/',
    });
    await decideApproval(t, new Interactions(t), { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const made = await until(() => ncp.policy('narrow_policy-retry-1'), {
      what: 'the policy',
      timeoutMs: 10_000,
    });
    expect(made).toMatchObject({ source: { prefix: 'narrow/a/' }, target: { prefix: 'n/a/' } });
  });
});
