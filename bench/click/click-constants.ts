/** The failed OMS task the click benchmark's bots watch and claim (`click-world.ts`, `click-scale.ts`). */
export const CLICK_TASK_ID = '191290000000001';
