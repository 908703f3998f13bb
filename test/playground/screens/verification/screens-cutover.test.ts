import { describe, expect, it } from 'vitest';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { ncpPolicyDiffering } from '../../../../dev/simulators/ncp/seed-objects.js';
import { differingBuckets } from '../../../../dev/simulators/object-store/seed-playground.js';
import en from '../../../../src/capabilities/cutover/words/en.json' with { type: 'json' };
import ko from '../../../../src/capabilities/cutover/words/ko.json' with { type: 'json' };
import zh from '../../../../src/capabilities/cutover/words/zh-CN.json' with { type: 'json' };
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { closeThread, inChannelLanguage, openCardThread, postWithButton } from '../screen-page.js';

/**
 * Issue 76 as people see it, at desk and phone width: on each cloud (OMS in English, NCP in
 * Korean, UpCloud in Chinese), keep in sync, Cut over… with its confirmation listing the steps,
 * the living post with a red Check the buckets (3 missing, 1 different), Bob's override with a
 * reason, his sign-off, "Cut-over complete", and the old bucket's watch once a key lands there.
 */
const screen = usePlaygroundScreens();
const { type, shoot } = screen;
const MiB = 1024 ** 2;
type Words = Record<string, string>;

/** A running migration on `cloud` near its end whose destination misses 3 objects and holds 1 other. */
function migration(cloud: 'oms' | 'ncp' | 'upcloud', name: string) {
  const { playground } = screen;
  const store = playground.simulators.objects;
  if (cloud === 'ncp') {
    const p = ncpPolicyDiffering(store, playground.simulators.get('ncp'), name, 'STARTED');
    return { ref: `ncp-sim:${name}`, id: name, src: `${name}-src`, prefix: 'assets/', p };
  }
  if (cloud === 'upcloud') {
    // As `upcloudJobDiffering`, sized so the half left ends within seconds (not 5 GiB of 10).
    differingBuckets(store, `${name}-src`, 'logs/', `${name}-uc`, 'logs/');
    const job = playground.simulators.get('upcloud').addJob({
      name,
      status: 'running',
      progress: 0.5,
      totalBytes: 240 * MiB,
      totalObjects: 120,
      source: { bucket: `${name}-src`, prefix: 'logs/' },
      target: { bucket: `${name}-uc`, prefix: 'logs/' },
    });
    return { ref: `upcloud-sim:${job.uuid}`, id: job.uuid, src: `${name}-src`, prefix: 'logs/' };
  }
  differingBuckets(store, `${name}-src`, '', `${name}-obs`, '');
  const task = playground.simulators.get('huawei-oms').addTask({
    name,
    status: 2,
    progress: 0.9,
    totalSize: 2 * GiB,
    totalNum: 120,
    speed: 64 * MiB,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
    dst: { region: 'cn-north-4', bucket: `${name}-obs` },
  });
  return { ref: `hw-sim:${task.id}`, id: String(task.id), src: `${name}-src`, prefix: '' };
}

describe('the cut-over at desk and phone width', { timeout: 300_000, retry: 0 }, () => {
  for (const [cloud, lang, locale, w] of [
    ['oms', 'en', 'en-US', en],
    ['ncp', 'ko', 'ko-KR', ko],

    ['upcloud', 'zh-CN', 'zh-CN', zh],
  ] as const) {
    it(`${cloud} in ${lang}: keep in sync, cut over, a red step overridden, complete, the old bucket`, async () => {
      const { page, playground } = screen;
      const words = w as Words;
      const button = (key: string) => words[key]!;
      const anywhere = (text: string | RegExp) =>
        page.locator('#messages .message, #thread-messages .message').filter({ hasText: text }).last();
      // The final delta (a new OMS task of 10 GiB by default) ends within a cycle or two.
      playground.simulators.get('huawei-oms').timings.speedBytesPerSecond = 1024 ** 4;
      await inChannelLanguage(screen, lang, locale, async () => {
        const name = `cut-${cloud}`;
        const m = migration(cloud, name);
        await type(`/migrate watch ${m.ref}`);
        await screen.advanceWhenRunning(m.id, 5_000);
        await openCardThread(screen, name);
        const verified = await postWithButton(screen, '#thread-messages', button('cutover.cut.button.open'));
        await shoot(verified, `cutover-${cloud}-verified-${lang}`);

        // The request goes to the channel, which the thread covers on a phone: closed meanwhile.
        await closeThread(page);
        await type(`/migrate keep-sync ${m.ref} every 6h until +14d max 20`);
        const request = anywhere(button('cutover.button.approve'));
        await screen.shown(request, 'the keep-in-sync request');
        await shoot(request, `cutover-${cloud}-keep-sync-${lang}`);
        // Bob approves it: the deltas run on that cadence until the cut-over stops them.
        await screen.actAs('Bob');
        await request.locator('.bk-button', { hasText: button('cutover.button.approve') }).click();
        await screen.shown(
          page.locator('#messages .message').filter({ hasText: /@Bob/ }).filter({ hasText: m.ref }).last(),
          'the approved request',
        );
        await screen.actAs('Alice');

        await openCardThread(screen, name);
        await verified.locator('.bk-button', { hasText: button('cutover.cut.button.open') }).click();
        const confirm = anywhere(button('cutover.cut.button.start'));
        await screen.shown(confirm, 'the cut-over confirmation');
        await shoot(confirm, `cutover-${cloud}-confirm-${lang}`);
        await confirm.locator('.bk-button', { hasText: button('cutover.cut.button.start') }).click();

        if (cloud === 'upcloud') {
          // Its final delta is a new job listing everything (10 GiB in the simulator): fast here.
          const jobs = playground.simulators.get('upcloud').jobs;
          const delta = () => [...jobs.values()].find((j) => j.uuid !== m.id && j.name.startsWith(name));
          await screen.cyclesUntil('the final delta job', async () => delta() !== undefined);
          delta()!.speed = 1024 ** 4;
        }
        // The living post: the only message with its numbered step lines.
        const cutPost = (has: string) =>
          page
            .locator('#thread-messages .message')
            .filter({ hasText: new RegExp(`4\\. ${button('cutover.cut.step.signoff')}[:：]`) })
            .filter({ has: page.locator('.bk-button', { hasText: has }) })
            .last();
        const post = cutPost(button('cutover.cut.button.override'));
        await screen.shown(post, 'the red check with Override…', 20);
        await shoot(post, `cutover-${cloud}-red-${lang}`);
        // Home lists it in progress, at the step it is at.
        await page.locator('.sidebar-item[data-nav="app"]').click();
        await page.locator('.tab[data-tab="home"]').click();
        const home = page
          .locator('#home .blocks .section-main')
          .filter({ hasText: button('cutover.cut.home.title') });
        await screen.shown(home, 'the cut-overs in progress on Home');
        expect(await home.innerText()).toContain(name);
        await shoot(home, `cutover-${cloud}-home-${lang}`);
        await page.locator('.sidebar-item[data-nav="channel"]').click();
        // Back to the migration's own card (the first naming its reference: not the final delta's).
        const card = page
          .locator('#messages .message')
          .filter({ hasText: m.ref })
          .filter({ has: page.locator('.thread-summary') })
          .first();
        await card.locator('.thread-summary').click();
        await screen.actAs('Bob');
        await post.locator('.bk-button', { hasText: button('cutover.cut.button.override') }).click();
        const modal = page.locator('#modal-layer .modal');
        await modal.waitFor();
        await modal
          .locator('textarea, input')
          .first()
          .fill('3 test files we do not need; 1 rewritten on purpose');
        await shoot(modal, `cutover-${cloud}-override-${lang}`);
        await modal.locator('.modal-submit').click();
        await modal.waitFor({ state: 'detached' });

        const signoff = cutPost(button('cutover.cut.button.signoff'));
        await screen.shown(signoff, 'the sign-off', 10);
        await shoot(signoff, `cutover-${cloud}-signoff-${lang}`);
        await signoff.locator('.bk-button', { hasText: button('cutover.cut.button.signoff') }).click();
        const completeSays = button('cutover.cut.complete').split('{')[0]!.replaceAll('*', '');
        const complete = page
          .locator('#thread-messages .message')
          .filter({
            hasText: completeSays,
            hasNotText: new RegExp(`4\\. ${button('cutover.cut.step.signoff')}[:：]`),
          })
          .last();
        await screen.shown(complete, 'Cut-over complete', 10);
        const ended = page
          .locator('#thread-messages .message')
          .filter({
            hasText: new RegExp(
              `5\\. ${button('cutover.cut.step.complete')}[:：] ?${button('cutover.cut.state.green')}`,
            ),
          })
          .last();
        await shoot(ended, `cutover-${cloud}-complete-${lang}`);
        await shoot(complete, `cutover-${cloud}-complete-said-${lang}`);
        await screen.actAs('Alice');

        playground.simulators.objects.putObject(m.src, `${m.prefix}late-write.bin`, 'after the switch');
        const unlistable = Object.entries(words)
          .filter(([k]) => k.startsWith('cutover.watch.unlistable.'))
          .map(([, v]) => v.split(/\{[^}]*\}|`/).sort((x, y) => y.length - x.length)[0]!)
          .map((x) => x.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
        const watch = page
          .locator('#thread-messages .message')
          .filter({ hasText: new RegExp(['late-write\\.bin', ...unlistable.filter(Boolean)].join('|')) })
          .last();
        await screen.shown(watch, 'the old bucket watch', 10).catch(async (e) => {
          await page.screenshot({ path: 'test-artifacts/screens/cutover-debug.png' });
          throw e;
        });
        expect(await watch.innerText()).not.toContain('{');
        await shoot(watch, `cutover-${cloud}-old-bucket-${lang}`);
      });
    });
  }
});
