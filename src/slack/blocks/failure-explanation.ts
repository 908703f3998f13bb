import type { KnownBlock } from '@slack/types';
import { classifyMessage } from '../../catalogue/classify-message.js';
import {
  type CodeClass,
  classifyCode,
  mainAction,
  NEXT_STEPS,
  type NextStep,
  type NextStepAction,
} from '../../catalogue/code-classes.js';
import { explainForDisplay, type SurfaceButtons } from '../../catalogue/explain.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, section, truncate } from './mrkdwn.js';

/**
 * One failure, told the same way on the card, in the thread, in the channel post and in
 * `/migrate explain`, each sentence once: the code with what it means (one line, after the
 * surface's own lead), the fix, the provider's words only when they add something, where the failed
 * objects are, and the next step. `/migrate explain` (`reference`) also gives the catalogue's
 * message and, beside a translation, its English.
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
  /** Defaults to the catalogue's class for the code, else the class its message reads as. */
  codeClass?: CodeClass;
  /** The reader may fix the connection (an admin reading a private reply): picks the next step's wording. */
  canFixConnection?: boolean;
  /** Where the provider listed the objects that failed (a path in the destination bucket). */
  failedObjectList?: { path: string; bucket?: string };
  /**
   * It cannot be resumed or retried (an UpCloud job): the next step is a new migration on this
   * connection, and `kind` names what failed.
   */
  startAgain?: { connection: string; kind: string };
  /**
   * The buttons the surface carries with it, by action, in the reader's words: a fix that names a
   * button of the provider's console names the one here that does the same, or none (unset: none).
   */
  buttons?: SurfaceButtons;
  /** `/migrate explain`: the catalogue entry in full, its English beside a translation. */
  reference?: boolean;
  /** The reader's language (English unless given); the code and the provider's words stay as they are. */
  tr?: Translator;
}

export interface FailureExplanation {
  /** The catalogue's spelling of the code ('' when none was reported). */
  code: string;
  known: boolean;
  codeClass: CodeClass;
  nextStep: NextStep;
  /** The code and what it means, or the provider's words when there is no known code: one line. */
  meaning: string;
  /** mrkdwn lines, provider text escaped: meaning, fix, quote, failed-object list, next step. */
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
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The provider's message on one line: a quote that spans lines would need `>` on each. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Words that say nothing on their own, left out when asking what a provider's message adds. */
const FILLER = new Set(
  'the a an and or of to in on for is are was were be been has have had its it this that with from not cannot can could please try again enter ensure'.split(
    ' ',
  ),
);

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => (w.length > 1 || /\d/.test(w)) && !FILLER.has(w),
  );
}

/**
 * Whether the provider's message tells more than the catalogue: a name, a path or a number of its
 * own ("lists/catalog-2026.txt"), or mostly other words. "The source AK/SK is invalid" under the
 * catalogue's "The source AK and SK are invalid…" adds nothing and is not quoted.
 */
function addsToCatalogue(quote: string, catalogue: readonly string[]): boolean {
  if (catalogue.some((text) => loose(text) === loose(quote))) return false;
  const known = new Set(catalogue.flatMap(contentWords));
  const words = contentWords(quote);
  const novel = words.filter((w) => !known.has(w));
  if (novel.some((w) => /\d/.test(w))) return true;
  if (/[\w-]+[/.][\w-]+\.[a-z0-9]{2,4}\b|\/[\w-]+\//i.test(quote)) return true;
  return novel.length * 2 >= words.length && novel.length > 0;
}

/**
 * The catalogue message without the code in front: `explainForDisplay` titles read
 * "TRF.0015: The source AK…", and the code is already shown as inline code before it.
 */
function messageOf(title: string, shownCode: string): string {
  const prefix = `${shownCode}: `;
  return title.startsWith(prefix) ? title.slice(prefix.length) : title;
}

/** What to do, once: the class's step (an admin's where it has one), or a new migration. */
function adviceFor(input: FailureInput, codeClass: CodeClass, tr: Translator): string {
  if (input.startAgain)
    return tr.t('step.startAgain', {
      // An ICU select key cannot have a hyphen.
      class: codeClass === 'not-found' ? 'missing' : codeClass,
      command: code(`/migrate create ${input.startAgain.connection}`),
      kind: input.startAgain.kind,
    });
  const admin = `step.${codeClass}.admin`;
  return input.canFixConnection && tr.has(admin) ? tr.t(admin) : tr.t(`step.${codeClass}`);
}

/**
 * `/migrate explain`: the catalogue entry as written, its message as the title, what it means when
 * that says more, the fix, and beside a translation the English of each. Returns the title line.
 */
function referenceLines(
  display: ReturnType<typeof explainForDisplay>,
  english: ReturnType<typeof explainForDisplay>['english'],
  lines: string[],
  tr: Translator,
): string {
  const limits = english ? TRANSLATED_LIMITS : LIMITS;
  const message = messageOf(display.title, display.code);
  const title = `${code(display.code)} *${escapeMrkdwn(truncate(message, limits.title))}*`;
  lines.push(title);
  const englishLine = (text: string) =>
    tr.t('failure.english', { text: escapeMrkdwn(truncate(text, TRANSLATED_LIMITS.english)) });
  if (english) lines.push(englishLine(messageOf(english.title, display.code)));
  if (display.description && loose(display.description) !== loose(message))
    lines.push(tr.t('failure.meaning', { text: escapeMrkdwn(truncate(display.description, limits.field)) }));
  if (display.solution) {
    lines.push(tr.t('failure.fix', { text: escapeMrkdwn(truncate(display.solution, limits.field)) }));
    if (english) lines.push(englishLine(english.solution));
  }
  return title;
}

/** The class's next step with why, for a reference (an admin's where the class has one). */
function referenceAdvice(input: FailureInput, codeClass: CodeClass, tr: Translator): string {
  const admin = `next.${codeClass}.admin`;
  return input.canFixConnection && tr.has(admin) ? tr.t(admin) : tr.t(`next.${codeClass}`);
}

export function explainFailure(input: FailureInput): FailureExplanation {
  const tr = input.tr ?? ENGLISH;
  const display = explainForDisplay(input.code, input.httpStatus, tr.locale, input.buttons);
  const quote = oneLine(input.providerMessage ?? '');
  const codeClass =
    input.codeClass ?? (display.known ? classifyCode(display.code) : (classifyMessage(quote) ?? 'unknown'));
  const nextStep = NEXT_STEPS[codeClass];
  const english = input.reference ? display.english : undefined;
  const limits = english ? TRANSLATED_LIMITS : LIMITS;
  const lines: string[] = [];
  let meaning: string;

  if (display.known && input.reference) {
    meaning = referenceLines(display, english, lines, tr);
  } else if (display.known) {
    const message = messageOf(display.title, display.code);
    // What the code means: the catalogue's description says it without the fix, which follows.
    const means = display.description || message;
    meaning = `${code(display.code)} ${escapeMrkdwn(truncate(means, limits.title))}`;
    lines.push(meaning);
    if (display.solution) {
      lines.push(tr.t('failure.fix', { text: escapeMrkdwn(truncate(display.solution, limits.field)) }));
      if (english)
        lines.push(
          tr.t('failure.english', {
            text: escapeMrkdwn(truncate(english.solution, TRANSLATED_LIMITS.english)),
          }),
        );
    }
    const catalogue = [message, means, display.solution ?? '', ...Object.values(display.english ?? {})];
    if (quote && addsToCatalogue(quote, catalogue)) {
      lines.push(`> ${escapeMrkdwn(truncate(quote, limits.quote))}`);
    }
  } else if (quote) {
    // No code the catalogue knows: the provider's words are what it means (the code, if any, first).
    const shown = display.code ? `${code(display.code)} ` : '';
    meaning = `${shown}${escapeMrkdwn(truncate(quote, limits.quote))}`;
    lines.push(meaning);
  } else {
    meaning = `:grey_question: ${escapeMrkdwn(truncate(display.title, limits.title))}`;
    lines.push(meaning);
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

  // An unknown code with nothing else to go on already says where to look: not said twice.
  const nothingToGoOn = !display.known && !quote && !input.startAgain;
  if (!nothingToGoOn)
    lines.push(
      tr.t('failure.nextStep', {
        // A reference says why the class fails as well; a failure's own lines already said it.
        advice: input.reference
          ? escapeMrkdwn(referenceAdvice(input, codeClass, tr))
          : adviceFor(input, codeClass, tr),
      }),
    );

  // The fallback (notifications, screen readers) is in the reader's language too; the code leads it.
  const summary = display.known
    ? `${display.code}: ${display.description || messageOf(display.title, display.code)}`
    : quote || display.title;
  return {
    code: display.code,
    known: display.known,
    codeClass,
    nextStep,
    meaning,
    lines,
    summary: truncate(summary, LIMITS.fallback),
  };
}

/**
 * Puts the surface's lead (":x: *photos* failed at 38% at 08:12") and the code's meaning on one
 * line, so the first line says what failed, when and why; `ownLine` keeps a lead that is a
 * question of its own ("Did you mean …?") apart.
 */
function joined(explanation: FailureExplanation, lead: string | undefined, ownLine: boolean): string {
  const [first, ...rest] = explanation.lines;
  const head = lead ? (ownLine ? `${lead}\n${first}` : `${lead} ${first}`) : first;
  return truncate([head, ...rest].join('\n'), LIMITS.section);
}

/** The explanation as one mrkdwn string, for a surface that builds its own section around it. */
export function failureExplanationText(input: FailureInput, lead?: string, ownLine = false): string {
  return joined(explainFailure(input), lead, ownLine);
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
export function renderFailureExplanation(
  input: FailureInput,
  lead?: string,
  ownLine = false,
): RenderedFailure {
  const explanation = explainFailure(input);
  return {
    text: explanation.summary,
    blocks: [section(joined(explanation, lead, ownLine))],
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
