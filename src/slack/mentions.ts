import { InvalidInputError } from '../errors.js';

/** A user or user group named in a command: `<@U…|name>`, `<!subteam^S…|@name>` or a bare id. */
export interface Subject {
  kind: 'user' | 'usergroup';
  id: string;
}

const USER = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$/;
const USERGROUP = /^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$|^(S[A-Z0-9]{2,})$/;
const CHANNEL = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^([CG][A-Z0-9]{2,})$/;

export function parseSubject(word: string | undefined): Subject {
  const user = word ? USER.exec(word) : null;
  if (user) return { kind: 'user', id: (user[1] ?? user[2])! };
  const group = word ? USERGROUP.exec(word) : null;
  if (group) return { kind: 'usergroup', id: (group[1] ?? group[2])! };
  const typed = (word ?? '').slice(0, 40);
  throw InvalidInputError.of('mention.error.subject', { typed });
}

export function parseChannel(word: string): string {
  const match = CHANNEL.exec(word);
  if (!match) throw InvalidInputError.of('mention.error.channel', { typed: word.slice(0, 40) });
  return (match[1] ?? match[2])!;
}

export function isChannelWord(word: string): boolean {
  return CHANNEL.test(word);
}

export function subjectMention(subject: Subject): string {
  return subject.kind === 'user' ? `<@${subject.id}>` : `<!subteam^${subject.id}>`;
}
