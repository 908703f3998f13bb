import type { KnownCodeClass } from './code-classes.js';

/**
 * A failure that came without a code (UpCloud's jobs report only a sentence) still deserves a next
 * step: the usual words of each class, checked in order, the most specific first. Only the provider's
 * English is read; a sentence that matches nothing stays unclassified, and the bot does not guess.
 */
const WORDS: readonly [KnownCodeClass, RegExp][] = [
  [
    'credentials',
    /\b(invalid|wrong|expired|bad|incorrect)\b.{0,30}\b(access key|secret|credential|token|signature|ak\/sk)|signaturedoesnotmatch|invalidaccesskeyid|unauthori[sz]ed|authentication failed|\b401\b/i,
  ],
  ['permissions', /access denied|accessdenied|permission|forbidden|not allowed|not authori[sz]ed|\b403\b/i],
  ['not-found', /no such (bucket|key|file)|nosuchbucket|nosuchkey|not found|does not exist|\b404\b/i],
  ['quota', /quota|rate limit|throttl|too many requests|limit exceeded|insufficient|\b429\b/i],
  ['network', /time(d)? ?out|connection (reset|refused|closed)|network|unreachable|dns|tls|socket/i],
  ['transient', /internal (server )?error|service unavailable|try again later|\b50[0-4]\b/i],
  ['configuration', /invalid (parameter|argument|region|endpoint|configuration)|unsupported|malformed/i],
];

export function classifyMessage(message: string | undefined): KnownCodeClass | undefined {
  if (!message) return undefined;
  return WORDS.find(([, words]) => words.test(message))?.[0];
}
