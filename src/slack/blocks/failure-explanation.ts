import type { KnownBlock } from '@slack/types';
import {
  type CodeClass,
  classifyCode,
  mainAction,
  NEXT_STEPS,
  type NextStep,
  type NextStepAction,
} from '../../catalogue/code-classes.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

/**
 * One failure, told the same way on the card, in the thread, in the channel post and in
 * `/migrate explain`: the catalogue's message as the title (the code once), what it means, the fix,
 * the provider's own message quoted once, and the next step its class calls for.
 */
export interface FailureInput {
  /** The provider's error code as reported (any spelling `explain` accepts). */
  code?: string;
  /**
   * The HTTP status it came with, when there was one: picks between entries listed under two. Not
   * printed: a surface that tells an HTTP story ("refused StartTask (HTTP 400)") says it in its lead.
   */
  httpStatus?: number;
  /** The provider's own message. Shown escaped and cut, and left out when it repeats the catalogue. */
  providerMessage?: string;
  /** Defaults to the catalogue's class for the code. */
  codeClass?: CodeClass;
  /** The reader may fix the connection (an admin reading a private reply): picks the next step's wording. */
  canFixConnection?: boolean;
  /** Where the provider listed the objects that failed (a path in the destination bucket). */
  failedObjectList?: { path: string; bucket?: string };
  /** The reader's language (English unless given); the code and the provider's words stay as they are. */
  tr?: Translator;
}

export interface FailureExplanation {
  /** The catalogue's spelling of the code ('' when none was reported). */
  code: string;
  known: boolean;
  codeClass: CodeClass;
  nextStep: NextStep;
  /** mrkdwn lines, provider text escaped: title, what it means, fix, quote, failed-object list, next step. */
  lines: string[];
  /** Plain fallback for notifications (`text` of a message). */
  summary: string;
}

/** Slack's section text limit is 3000; each part is cut well below it so the next step always fits. */
const LIMITS = { title: 400, field: 700, quote: 500, section: 3000, fallback: 300 };
/** A translation carries its English too, so each part is cut shorter to leave the next step room. */
const TRANSLATED_LIMITS = { ...LIMITS, title: 300, field: 450, quote: 400, english: 300 };

/** Text compared loosely, so "Invalid AK/SK." and "invalid ak/sk" count as the same sentence. */
function loose(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** The provider's message on one line: a quote that spans lines would need `>` on each. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The catalogue message without the code in front: `explainForDisplay` titles read
 * "TRF.0015: The source AK…", and the code is already shown as inline code before it.
 */
function messageOf(title: string, shownCode: string): string {
  const prefix = `${shownCode}: `;
  return title.startsWith(prefix) ? title.slice(prefix.length) : title;
}

/** The class's next step in the reader's words; admins get theirs when the class has one. */
function adviceFor(codeClass: CodeClass, canFixConnection: boolean | undefined, tr: Translator): string {
  const admin = `next.${codeClass}.admin`;
  return canFixConnection && tr.has(admin) ? tr.t(admin) : tr.t(`next.${codeClass}`);
}

export function explainFailure(input: FailureInput): FailureExplanation {
  const tr = input.tr ?? ENGLISH;
  const display = explainForDisplay(input.code, input.httpStatus, tr.locale);
  const codeClass = input.codeClass ?? classifyCode(display.code || undefined);
  const nextStep = NEXT_STEPS[codeClass];
  const english = display.english;
  const limits = english ? TRANSLATED_LIMITS : LIMITS;
  const lines: string[] = [];
  const said: string[] = [];

  if (display.known) {
    const message = messageOf(display.title, display.code);
    lines.push(`${code(display.code)} *${escapeMrkdwn(truncate(message, limits.title))}*`);
    said.push(message);
    // The catalogue's English message under the translated one: what support and the console say.
    if (english) {
      const englishMessage = messageOf(english.title, display.code);
      lines.push(
        tr.t('failure.english', { text: escapeMrkdwn(truncate(englishMessage, TRANSLATED_LIMITS.english)) }),
      );
      said.push(englishMessage);
    }
    if (display.description && loose(display.description) !== loose(message)) {
      lines.push(
        tr.t('failure.meaning', { text: escapeMrkdwn(truncate(display.description, limits.field)) }),
      );
      said.push(display.description);
    }
    if (display.solution) {
      lines.push(tr.t('failure.fix', { text: escapeMrkdwn(truncate(display.solution, limits.field)) }));
      said.push(display.solution);
      if (english) {
        lines.push(
          tr.t('failure.english', {
            text: escapeMrkdwn(truncate(english.solution, TRANSLATED_LIMITS.english)),
          }),
        );
        said.push(english.solution);
      }
    }
  } else {
    lines.push(`:grey_question: ${escapeMrkdwn(truncate(display.title, limits.title))}`);
  }

  const quote = oneLine(input.providerMessage ?? '');
  if (quote && !said.some((text) => loose(text) === loose(quote))) {
    lines.push(`> ${escapeMrkdwn(truncate(quote, limits.quote))}`);
  }

  // One line each, so a provider's newline cannot split the inline code.
  const listPath = oneLine(input.failedObjectList?.path ?? '');
  if (listPath) {
    const bucket = oneLine(input.failedObjectList?.bucket ?? '');
    const path = code(truncate(listPath, 300));
    lines.push(
      bucket
        ? tr.t('failure.listedIn', { path, bucket: code(bucket) })
        : tr.t('failure.listedInDestination', { path }),
    );
  }

  const advice = adviceFor(codeClass, input.canFixConnection, tr);
  lines.push(tr.t('failure.nextStep', { advice: escapeMrkdwn(advice) }));

  // The fallback (notifications, screen readers) is in the reader's language too; the code leads it.
  const summary = display.known
    ? `${display.code}: ${messageOf(display.title, display.code)}`
    : quote || display.title;
  return {
    code: display.code,
    known: display.known,
    codeClass,
    nextStep,
    lines,
    summary: truncate(summary, LIMITS.fallback),
  };
}

/** The explanation as one mrkdwn string, for a surface that builds its own section around it. */
export function failureExplanationText(input: FailureInput, lead?: string): string {
  const { lines } = explainFailure(input);
  return truncate([lead, ...lines].filter(Boolean).join('\n'), LIMITS.section);
}

export interface RenderedFailure {
  text: string;
  blocks: KnownBlock[];
  explanation: FailureExplanation;
}

/**
 * The explanation as a message: one section, led by `lead` when the surface has a headline of its
 * own (":x: photos failed at 38%"; already mrkdwn, escaped by the caller).
 */
export function renderFailureExplanation(input: FailureInput, lead?: string): RenderedFailure {
  const explanation = explainFailure(input);
  const text = truncate([lead, ...explanation.lines].filter(Boolean).join('\n'), LIMITS.section);
  return {
    text: explanation.summary,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    explanation,
  };
}

/**
 * Which button leads for this failure. `offered` is what this reader may press now: the resource's
 * allowed actions plus `fix-connection-keys` for admins. Give the result `style: 'primary'` and put it
 * first; give Resume or Retry no primary style when this returns something else or nothing.
 */
export function failureMainAction(
  explanation: Pick<FailureExplanation, 'codeClass'>,
  offered: readonly string[],
): NextStepAction | undefined {
  return mainAction(explanation.codeClass, offered);
}
