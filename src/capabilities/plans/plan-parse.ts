import { formWord, type SubcommandForm } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import { RESOURCE_REF } from '../../slack/command-text.js';
import { canonicalZone, isTimeZone } from '../../time/zoned-time.js';
import { MAX_PLAN_RESOURCES, MAX_WAVES } from './plan-types.js';
import { PLAN_WORDS } from './words.js';

/** A plan's name: one word a person can type again (letters, digits, `.`, `_`, `-`). */
const PLAN_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,59}$/u;

/** A gate as typed: the time is read in its zone (the workspace's when none is typed) by the command. */
export type TypedGate =
  | { kind: 'after'; of: 'succeeded' | 'signed-off'; hours: number }
  | { kind: 'at'; date: string; time: string; zone?: string };

export type PlanRequest =
  | { op: 'list' }
  | { op: 'new'; name: string }
  | { op: 'show' | 'start' | 'submit'; plan: string }
  | { op: 'add'; plan: string; refs: string[]; wave: number }
  | { op: 'remove'; plan: string; refs: string[] }
  | { op: 'gate'; plan: string; wave: number; gate: TypedGate };

export const PLAN_FORMS: readonly SubcommandForm[] = [
  { words: ['list', ''], usage: '/migrate plan list' },
  { words: ['new'], usage: '/migrate plan new <name>' },
  { words: ['add'], usage: '/migrate plan add <plan> <resource>… [wave <n>]' },
  { words: ['remove', 'rm'], usage: '/migrate plan remove <plan> <resource>…' },
  {
    words: ['gate'],
    usage:
      '/migrate plan gate <plan> wave <n> after succeeded|signed-off [+<hours>h] | at <YYYY-MM-DD> <HH:MM> [time zone]',
  },
  { words: ['start'], usage: '/migrate plan start <plan>' },
  { words: ['submit'], usage: '/migrate plan submit <plan>' },
  { words: ['show'], usage: '/migrate plan show <plan>' },
];

function usage(): never {
  throw InvalidInputError.in(PLAN_WORDS, 'plan.error.usage');
}

function waveNumber(typed: string | undefined): number {
  const n = /^\d{1,3}$/.test(typed ?? '') ? Number(typed) : Number.NaN;
  if (!(n >= 1 && n <= MAX_WAVES))
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.wave', { max: MAX_WAVES });
  return n;
}

function planWord(typed: string | undefined): string {
  if (!typed || !PLAN_NAME.test(typed)) usage();
  return typed;
}

function parseGate(words: string[]): TypedGate {
  const [kind, a, b, c, ...rest] = words;
  if (rest.length > 0) usage();
  if (kind?.toLowerCase() === 'after') {
    const of = a?.toLowerCase();
    if (of !== 'succeeded' && of !== 'signed-off') usage();
    if (c !== undefined) usage();
    if (b === undefined) return { kind: 'after', of, hours: 0 };
    const m = /^\+(\d{1,3})h$/i.exec(b);
    if (!m || Number(m[1]) > 720) throw InvalidInputError.in(PLAN_WORDS, 'plan.error.hours');
    return { kind: 'after', of, hours: Number(m[1]) };
  }
  if (kind?.toLowerCase() !== 'at') usage();
  if (!a || !/^\d{4}-\d{2}-\d{2}$/.test(a) || !b || !/^\d{2}:\d{2}$/.test(b))
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.date');
  if (c === undefined) return { kind: 'at', date: a, time: b };
  if (c.toUpperCase() !== 'UTC' && !isTimeZone(c))
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.zone', { zone: c.slice(0, 60) });
  return { kind: 'at', date: a, time: b, zone: c.toUpperCase() === 'UTC' ? 'UTC' : canonicalZone(c) };
}

/** `/migrate plan …`: the form its first word picks, and nothing else. */
export function parsePlan(args: readonly string[]): PlanRequest {
  const [op, ...words] = args;
  const form = formWord(PLAN_FORMS, op);
  switch (form) {
    case 'list':
      if (words.length > 0) usage();
      return { op: 'list' };
    case 'new':
      if (words.length !== 1 || !PLAN_NAME.test(words[0]!))
        throw InvalidInputError.in(PLAN_WORDS, 'plan.error.name');
      return { op: 'new', name: words[0]! };
    case 'show':
    case 'start':
    case 'submit':
      if (words.length !== 1) usage();
      return { op: form, plan: planWord(words[0]) };
    case 'add': {
      const [plan, ...rest] = words;
      const at = rest.findIndex((w) => w.toLowerCase() === 'wave');
      const refs = at >= 0 ? rest.slice(0, at) : rest;
      if (at >= 0 && rest.length !== at + 2) usage();
      const wave = at >= 0 ? waveNumber(rest[at + 1]) : 1;
      if (refs.length === 0 || refs.some((r) => !RESOURCE_REF.test(r))) usage();
      if (refs.length > MAX_PLAN_RESOURCES)
        throw InvalidInputError.in(PLAN_WORDS, 'plan.error.tooMany', {
          max: MAX_PLAN_RESOURCES,
          n: refs.length,
        });
      return { op: 'add', plan: planWord(plan), refs: [...new Set(refs)], wave };
    }
    case 'remove': {
      const [plan, ...refs] = words;
      if (refs.length === 0 || refs.length > MAX_PLAN_RESOURCES || refs.some((r) => !RESOURCE_REF.test(r)))
        usage();
      return { op: 'remove', plan: planWord(plan), refs: [...new Set(refs)] };
    }
    case 'gate': {
      const [plan, waveWord, n, ...rest] = words;
      if (waveWord?.toLowerCase() !== 'wave') usage();
      return { op: 'gate', plan: planWord(plan), wave: waveNumber(n), gate: parseGate(rest) };
    }
    default:
      return usage();
  }
}
