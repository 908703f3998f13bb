import { describe, expect, it } from 'vitest';
import { renderPlanCard } from '../../../src/capabilities/plans/plan-card.js';
import type { PlanView, ResourceLine } from '../../../src/capabilities/plans/plan-view.js';
import { translatorFor } from '../../../src/i18n/translator.js';

// The plan card's notes under its waves: that UpCloud jobs give no counts, said only when one of
// its jobs gave none (a job that reported its bytes is in the totals, and the note would
// contradict them); and where its approval stands, withdrawn by an edit included.
const GiB = 1024 ** 3;

function viewWith(job: Partial<ResourceLine>, more: Partial<PlanView> = {}): PlanView {
  const line: ResourceLine = {
    ref: 'upcloud-sim/job/u1',
    connection: 'upcloud-sim',
    id: 'u1',
    name: 'media-archive',
    provider: 'upcloud',
    state: 'running',
    ...job,
  };
  return {
    id: 'p0c0ffe',
    name: 'estate',
    owner: 'U0ALICE01',
    status: 'running',
    waves: [{ n: 1, openedAt: Date.parse('2026-11-28T08:00:00Z'), resources: [line] }],
    totals: {
      resources: 1,
      succeeded: 0,
      failed: 0,
      unsigned: 0,
      bytesDone: line.bytes?.done ?? 0,
      bytesLeft: (line.bytes?.total ?? 0) - (line.bytes?.done ?? 0),
      objectsDone: 0,
      objectsLeft: 0,
    },
    paused: 0,
    planned: 0,
    ...more,
  };
}

const text = (view: PlanView) =>
  JSON.stringify(renderPlanCard(view, translatorFor('en'), Date.parse('2026-11-28T08:05:00Z')).blocks);

describe('the plan card on UpCloud jobs’ counts', () => {
  it('says the totals leave out a job that gave no counts', () => {
    expect(text(viewWith({ bytes: {}, objects: {} }))).toContain(
      'UpCloud jobs give no byte or object counts',
    );
  });

  it('says nothing of the kind when the job gave its bytes (they are in the totals)', () => {
    const counted = viewWith({ bytes: { done: 3 * GiB, total: 10 * GiB }, objects: { done: 3, total: 10 } });
    expect(text(counted)).toContain('Moved 3.0 GiB');
    expect(text(counted)).not.toContain('give no byte or object counts');
  });

  it('says nothing of it for a job still planned (no migration has counts before it exists)', () => {
    expect(text(viewWith({ state: 'planned' }))).not.toContain('give no byte or object counts');
  });
});

describe('the plan card on its approval', () => {
  const at = Date.parse('2026-11-28T07:00:00Z');

  it('says who approved it', () => {
    const approved = viewWith(
      {},
      { approval: { state: 'approved', by: 'U0ALICE01', decidedBy: 'U0BOB0001' } },
    );
    expect(text(approved)).toContain(
      "Approved by <@U0BOB0001>: each wave's planned migrations are created when it opens.",
    );
  });

  it('says an edit withdrew it, who made it and what it was', () => {
    const withdrawn = viewWith(
      {},
      {
        approval: {
          state: 'withdrawn',
          by: 'U0ALICE01',
          withdrawn: { by: 'U0DANA001', at, what: 'added 1 to wave 2' },
        },
      },
    );
    expect(text(withdrawn)).toContain(
      'Approval withdrawn: <@U0DANA001> changed the plan after it was submitted (added 1 to wave 2).',
    );
  });

  it('says planned migrations wait for the owner to submit them', () => {
    expect(text(viewWith({}, { planned: 2 }))).toContain('2 planned migrations wait for approval');
  });
});

describe('the plan’s dialogs in every language (issue 74)', () => {
  const effect = {
    starts: true,
    opens: [1, 3],
    resume: { n: 12, bytes: 1.2 * 1024 * 1024 * GiB },
    create: { n: 4, bytes: 13 * GiB },
    awaiting: 0,
    createLater: 7,
    later: [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  };
  for (const lang of ['en', 'ko', 'zh-CN'] as const)
    it(`Start plan and Cancel plan say their figures within Slack's 300 characters (${lang})`, () => {
      const draft = viewWith({ state: 'paused' }, { status: 'draft', name: 'x'.repeat(80), start: effect });
      const rendered = renderPlanCard(draft, translatorFor(lang), Date.parse('2026-11-28T08:05:00Z'));
      const actions = (rendered.blocks as { type: string; elements?: Record<string, unknown>[] }[]).find(
        (b) => b.type === 'actions',
      )!.elements!;
      const start = actions.find((b) => b.action_id === 'plan.start')!;
      const cancel = actions.find((b) => b.action_id === 'plan.cancel')!;
      for (const b of [start, cancel]) {
        const text = (b.confirm as { text: { text: string } }).text.text;
        expect(text.length).toBeLessThanOrEqual(300);
        expect(text).not.toMatch(/[{}]/);
      }
      const said = (start.confirm as { text: { text: string } }).text.text;
      expect(said).toContain('12');
      expect(said).toContain('1.2');
    });
});
