import { z } from 'zod';
import { providerDefinitions } from '../providers/registry.js';
import { allCatalogueEntries, explain } from './explain.js';

/**
 * What kind of failure a catalogue code reports, so every surface offers the same next step. Each
 * provider's table (`src/providers/<id>/catalogue/classes.json`) was reviewed code by code from each
 * entry's message, description and fix; borderline codes carry a one-line reason.
 */
export const CODE_CLASSES = [
  'credentials',
  'permissions',
  'not-found',
  'network',
  'quota',
  'partial',
  'transient',
  'state',
  'configuration',
] as const;
export type KnownCodeClass = (typeof CODE_CLASSES)[number];
export type CodeClass = KnownCodeClass | 'unknown';

const ClassTableSchema = z.record(
  z.string().regex(/^[A-Z][A-Z0-9_]*(\.\d+)?$/),
  z.strictObject({ class: z.enum(CODE_CLASSES), reason: z.string().min(10).optional() }),
);

/** Checked once at load, so a typo in the data fails loudly instead of classifying as unknown. */
const classTable = ClassTableSchema.parse(
  Object.assign({}, ...providerDefinitions().map((d) => d.catalogue?.classes ?? {})),
);

/** Every code in the catalogue, service and gateway codes, once each, in catalogue order. */
export const CATALOGUE_CODES: readonly string[] = [
  ...new Set(allCatalogueEntries().map((entry) => entry.code)),
];

/**
 * The class of a provider error code, written any way `explain` accepts (case, `ncp:200`, `ERROR_`).
 * A code the catalogue does not know is `unknown`: the bot does not guess a next step for it.
 */
export function classifyCode(code: string | undefined): CodeClass {
  if (!code) return 'unknown';
  const entry = explain(code);
  if (!entry) return 'unknown';
  return classTable[entry.code]?.class ?? 'unknown';
}

/** Why a borderline code sits in its class, when the review wrote it down. */
export function classificationReason(code: string): string | undefined {
  const entry = explain(code);
  return entry ? classTable[entry.code]?.reason : undefined;
}

/** The codes the class table lists (for the test that checks it matches the catalogue). */
export function classifiedCodes(): string[] {
  return Object.keys(classTable);
}

/**
 * A button the next step can offer. `fix-connection-keys` opens the connection's key form (admins
 * only); `claim` is "I'm on it": where something must change before trying again, someone takes it
 * on first; the others are the resource card's own actions (`resource.resume`, `resource.retry`).
 */
export type NextStepAction = 'fix-connection-keys' | 'claim' | 'resume' | 'retry';

export interface NextStep {
  /** Short name of the class for people ("Credentials", "Some objects failed"). */
  label: string;
  /**
   * The buttons worth offering first, best first; the first one the resource's state allows (and the
   * viewer may use) is the main button. Empty: no button fixes it, the message points at the fix.
   */
  main: readonly NextStepAction[];
  /** Whether trying again, with nothing changed, can succeed. */
  retryHelps: boolean;
  /** One sentence shown under "Next step" for everyone. */
  advice: string;
  /** Replaces `advice` for someone who may fix the connection (admins), when it differs. */
  adminAdvice?: string;
}

/** Per class: the main button and whether retrying can help. Data, so every surface agrees. */
export const NEXT_STEPS: Record<CodeClass, NextStep> = {
  credentials: {
    label: 'Credentials',
    main: ['fix-connection-keys', 'claim'],
    retryHelps: false,
    advice: "The connection's keys were refused. Ask an admin to fix the connection's keys, then Resume.",
    adminAdvice: "The connection's keys were refused. Fix the connection's keys, then Resume.",
  },
  permissions: {
    label: 'Permissions',
    main: ['claim'],
    retryHelps: false,
    advice:
      'The keys work but lack the right to this bucket, object or action. Grant the permission named in the fix, then Resume.',
  },
  'not-found': {
    label: 'Not found',
    main: ['claim'],
    retryHelps: false,
    advice:
      'A bucket, object or list file it needs is missing. Check the names in the fix before trying again.',
  },
  network: {
    label: 'Network',
    main: ['resume', 'retry'],
    retryHelps: true,
    advice: 'A timeout or network fault; trying again can succeed. Resume, and follow the fix if it repeats.',
  },
  quota: {
    label: 'Quota or limit',
    main: ['claim'],
    retryHelps: false,
    advice:
      'A quota, limit, rate limit or account restriction stopped it. Wait for it to reset, raise it or settle the account, then Resume.',
  },
  partial: {
    label: 'Some objects failed',
    main: ['retry', 'resume'],
    retryHelps: true,
    advice: 'Some objects failed. Retrying the failed objects can succeed; the failed-object list says why.',
  },
  transient: {
    label: 'Service fault',
    main: ['resume', 'retry'],
    retryHelps: true,
    advice:
      'The service was busy or failed inside; trying again later can succeed. Resume, and contact support if it repeats.',
  },
  state: {
    label: 'Wrong state',
    main: ['claim'],
    retryHelps: false,
    advice: 'It is not in a state that allows this. Refresh to see its state, then act when it allows it.',
  },
  configuration: {
    label: 'Settings',
    main: ['claim'],
    retryHelps: false,
    advice:
      'A setting or parameter is not accepted. Change what the fix names; retrying as is will fail again.',
  },
  unknown: {
    label: 'Unknown',
    main: [],
    retryHelps: false,
    advice:
      'The catalogue does not know this failure. Read the provider message, or check the provider console.',
  },
};

/**
 * The main button for a failure: the first of the class's next-step actions that is on offer. `offered`
 * lists what this viewer may press now: the resource's allowed actions (`resume`, `retry`, …), `claim`
 * on a failure, and `fix-connection-keys` when the viewer is an admin. Retry and Resume are never the
 * main button for a class where retrying cannot help: a fix that needs a change first (refused keys, a
 * setting) leads with taking it on, not with a Resume that fails the same way again.
 */
export function mainAction(codeClass: CodeClass, offered: readonly string[]): NextStepAction | undefined {
  return NEXT_STEPS[codeClass].main.find((action) => offered.includes(action));
}
