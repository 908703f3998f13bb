import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { backoffMs, signature, wants } from '../../../src/capabilities/events/delivery.js';
import { categoryOf, eventOfAudit } from '../../../src/capabilities/events/envelope.js';
import { checkHookUrl } from '../../../src/capabilities/events/hook-url.js';
import type { Hook } from '../../../src/capabilities/events/hooks.js';

// The events out that come from the audit log (decisions, claims, sign-offs, a window's edges),
// the endpoint rules for a webhook's URL, and the signature, without a bot.

const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync('docs/events.schema.json', 'utf8')) as object);
const base = {
  at: '2026-11-27T09:00:00.000Z',
  team: 'T0TEAM001',
  user: 'U0ALICE01',
  op: 'op1',
  result: 'ok' as const,
};

describe('events from the audit log', () => {
  it.each([
    [
      { action: 'create.approve', target: 'approval:a5c974cd7d' },
      'approval.decided',
      { decision: 'approved' },
    ],
    [
      { action: 'create.reject', target: 'approval:a5c974cd7d' },
      'approval.decided',
      { decision: 'rejected' },
    ],
    [{ action: 'claim.take-over', target: 'hw-prod:1912' }, 'migration.claimed', { action: 'take-over' }],
    [{ action: 'verify-signoff', target: 'hw-prod:1912' }, 'migration.signed-off', { by: 'U0ALICE01' }],
    [{ action: 'pause', target: 'hw-prod:1912', op: 'win-w1a2b3c' }, 'window.edge', { window: 'w1a2b3c' }],
    [{ action: 'plan.new', target: 'q4-move' }, 'plan.created', { plan: 'q4-move' }],
    [{ action: 'plan.start', target: 'p1a2b3' }, 'plan.started', { plan: 'p1a2b3' }],
    [
      { action: 'plan.wave', target: 'p1a2b3 wave 2', op: 'plan-p1a2b3' },
      'plan.wave-opened',
      { plan: 'p1a2b3', wave: 2 },
    ],
    [{ action: 'plan.gate', target: 'p1a2b3 wave 3' }, 'plan.wave-held', { plan: 'p1a2b3', wave: 3 }],
    [{ action: 'plan.end', target: 'p1a2b3', op: 'plan-p1a2b3' }, 'plan.ended', { plan: 'p1a2b3' }],
    [{ action: 'plan.cancel', target: 'p1a2b3' }, 'plan.cancelled', { plan: 'p1a2b3' }],
    [{ action: 'plan.signoff', target: 'p1a2b3' }, 'plan.signed-off', { by: 'U0ALICE01' }],
    // Issue 76: a cut-over's audited steps.
    [
      { action: 'cutover.started', target: 'hw-prod:task:1912', detail: 'freeze:30' },
      'cutover.started',
      { detail: 'freeze:30', by: 'U0ALICE01' },
    ],
    [
      { action: 'cutover.step', target: 'hw-prod:task:1912', detail: 'check:red' },
      'cutover.step',
      { detail: 'check:red' },
    ],
    [
      { action: 'cutover.overridden', target: 'hw-prod:task:1912' },
      'cutover.overridden',
      { by: 'U0ALICE01' },
    ],
    [{ action: 'cutover.aborted', target: 'hw-prod:task:1912' }, 'cutover.aborted', { by: 'U0ALICE01' }],
    [{ action: 'cutover.completed', target: 'hw-prod:task:1912' }, 'cutover.completed', { by: 'U0ALICE01' }],
  ])('%o is %s, valid against the schema', (entry, type, data) => {
    const event = eventOfAudit({ ...base, ...entry });
    expect(event?.type).toBe(type);
    expect(event?.data).toMatchObject(data);
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
  });

  it('says nothing of refusals, failures or other actions', () => {
    expect(eventOfAudit({ ...base, action: 'create.approve', result: 'refused' })).toBeUndefined();
    expect(eventOfAudit({ ...base, action: 'pause', target: 'hw-prod:1912' })).toBeUndefined();
    expect(eventOfAudit({ ...base, action: 'access.grant' })).toBeUndefined();
  });

  it('filters by kind and connection', () => {
    const hook: Hook = {
      id: 'h000001',
      url: 'https://x.example/',
      events: ['claims'],
      connection: 'hw-prod',
      sealed: '',
      createdBy: 'U',
      createdAt: 0,
    };
    const claim = eventOfAudit({ ...base, action: 'claim', target: 'hw-prod:1912' })!;
    expect(categoryOf(claim.type)).toBe('claims');
    expect(wants(hook, claim)).toBe(true);
    expect(wants({ ...hook, connection: 'ncp-kr' }, claim)).toBe(false);
    expect(wants({ ...hook, events: ['failures'] }, claim)).toBe(false);
  });
});

describe('a webhook URL', () => {
  it.each([
    ['http://hooks.example.com/x', 'https'],
    ['https://hooks.example.com:8443/x', 'port'],
    ['https://u:p@hooks.example.com/x', 'credentials'],
    ['https://hooks.example.com/x#frag', 'fragment'],
    ['https://127.0.0.1/x', 'private'],
    ['https://[::1]/x', 'private'],
    ['https://[::ffff:127.0.0.1]/x', 'private'],
    ['https://169.254.169.254/latest', 'private'],
    ['https://10.0.0.8/x', 'private'],
    ['https://metadata.google.internal/x', 'private'],
    ['https://localhost/x', 'private'],
    ['https://intranet/x', 'private'],
    ['not a url', 'notUrl'],
  ])('%s is refused (%s)', (url, reason) => {
    expect(checkHookUrl(url, [])).toEqual({ ok: false, reason });
  });

  it('is taken when public https, or allow-listed', () => {
    expect(checkHookUrl('https://hooks.example.com/m?route=ops', [])).toMatchObject({ ok: true });
    expect(checkHookUrl('http://127.0.0.1:9200/hook', ['http://127.0.0.1:9200'])).toMatchObject({ ok: true });
    expect(checkHookUrl('http://127.0.0.1:9201/hook', ['http://127.0.0.1:9200'])).toMatchObject({
      ok: false,
    });
  });
});

describe('delivery', () => {
  it('signs v0:<timestamp>:<body> as Slack does, and backs off from 30 s to an hour', () => {
    // Slack's documented example: the same algorithm, so the same receivers' code verifies it.
    expect(
      signature(
        '8f742231b10e8888abcd99yyyzzz85a5',
        '1531420618',
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      ),
    ).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect([1, 2, 3, 8, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });
});
