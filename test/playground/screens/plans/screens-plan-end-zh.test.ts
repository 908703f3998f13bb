import { planEndScenario } from './plan-end-scenario.js';

/**
 * A plan of three waves over the three simulators run to its end, in Chinese: a failure holds
 * wave 3 until it is restarted. Screenshots go to test-artifacts/screens/plan-end-*-zh-CN-*.png.
 */
planEndScenario({
  lang: 'zh-CN',
  locale: 'zh-CN',
  approved: '@Bob 已批准',
  held: /被第 2 波中 ncp-sim 上的 weekend-zh-cn-\d+（.*失败）阻塞；它完成后开启/,
  failedEta: '失败的迁移重试之前，无法估计开启时间',
  restart: '继续',
  report: '报告',
  wave1: /第 1 波 · \d+ 秒 · 2 个中 2 个成功 · 0 个失败 · 3\.0 GiB · 6,000 个对象/,
  totals: '已迁移 17.0 GiB（24,000 个对象）· 剩余 0 B（0 个对象）',
  wordBreak: 'normal',
  wrong: [/\b(succeeded|failed|Wave|objects)\b/],
  approving: [
    /批准后计划 estate-end-zh-cn-\d+ 立即开始。/,
    /第 1 波立即开启。/,
    /恢复 2 个已暂停的迁移（剩余 [\d.]+ GiB）。/,
  ],
  signoff: '签核计划',
  signedLine: '签核人：@Bob（整个计划）',
});
