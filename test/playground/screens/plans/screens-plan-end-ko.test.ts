import { planEndScenario } from './plan-end-scenario.js';

/**
 * A plan of three waves over the three simulators run to its end, in Korean: a failure holds
 * wave 3 until it is restarted. Screenshots go to test-artifacts/screens/plan-end-*-ko-*.png.
 */
planEndScenario({
  lang: 'ko',
  locale: 'ko-KR',
  approved: '@Bob 님이 승인했습니다',
  held: /웨이브 2의 ncp-sim weekend-ko-\d+\(.*실패\) 때문에 대기 중이며, 그것이 끝나면 열립니다/,
  failedEta: '실패한 작업을 재시도하기 전에는 열릴 시점을 추정할 수 없음',
  restart: '재개',
  report: '보고서',
  wave1: /웨이브 1 · \d+초 · 2개 중 2개 성공 · 0개 실패 · 3\.0 GiB · 객체 6,000개/,
  totals: '이동 17.0 GiB (객체 24,000개) · 남음 0 B (객체 0개)',
  wordBreak: 'keep-all',
  wrong: [/\b(succeeded|failed|Wave|objects)\b/],
  approving: [
    /승인하면 계획 estate-end-ko-\d+[이가] 지금 시작됩니다\./,
    /웨이브 1이 바로 열립니다\./,
    /일시 중지된 마이그레이션 2개가 재개됩니다\(남은 양 [\d.]+ GiB\)\./,
  ],
  signoff: '계획 서명',
  signedLine: '서명: @Bob (계획 전체)',
});
