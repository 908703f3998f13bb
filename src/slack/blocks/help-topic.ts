import type { KnownBlock } from '@slack/types';
import {
  type Capability,
  REQUIRED_ROLE,
  ROLES,
  type Role,
  roleAllows,
  roleRank,
} from '../../access/roles.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { Words } from '../../i18n/words.js';
import { code, context, section, truncate } from './mrkdwn.js';

/** One subcommand as `/migrate help <name>` explains it. */
export interface HelpTopic {
  name: string;
  usage: string;
  /** Every form it takes, one line each (its `usage` alone where it has one form). */
  forms: readonly string[];
  aliases: readonly string[];
  /** The English summary, shown where the catalogue has no `help.summary.<name>`. */
  summary: string;
  /** A capability's own words, where its summary is (`help.summary.<name>`). */
  words?: Words;
  /** A line that runs in this workspace as shown. */
  example: string;
  needs: Capability;
  /** Related subcommands, by name (each has its own `/migrate help <name>`). */
  related: readonly string[];
}

export interface HelpTopicView {
  topic: HelpTopic;
  /** The reader's role where they asked. */
  role: Role;
  /** A connection of this workspace, for summaries whose examples name one. */
  connection?: string;
  tr?: Translator;
}

/**
 * `/migrate help pause`: what it does, its syntax, an example that runs here, who may use it (and
 * whether the reader may), and where to go next. One section per part, so a phone wraps each on
 * its own.
 */
export function renderHelpTopic(view: HelpTopicView): KnownBlock[] {
  const tr = view.tr ?? ENGLISH;
  const { topic } = view;
  const summaryKey = `help.summary.${topic.name}`;
  const reader = topic.words ? tr.with(topic.words) : tr;
  const summary = reader.has(summaryKey)
    ? reader.t(summaryKey, { connection: view.connection ?? '<connection>' })
    : topic.summary;
  const needed = REQUIRED_ROLE[topic.needs];
  // Roles from the least that may use it up, as the access command names them (untranslated).
  const roles = ROLES.slice(roleRank(needed));
  const allowed = roleAllows(view.role, topic.needs);
  const aliases = topic.aliases.length
    ? tr.t('help.topic.aliases', { aliases: topic.aliases.map((a) => code(a)).join(', ') })
    : '';
  // One form: on the syntax line. Several (`window list`, `window add …`): each on its own line,
  // so none is left for the reader to guess.
  const syntax =
    topic.forms.length > 1
      ? [tr.t('help.topic.forms', { aliases }), ...topic.forms.map((f) => `• ${code(f)}`)].join('\n')
      : tr.t('help.topic.syntax', { usage: code(topic.forms[0] ?? topic.usage), aliases });
  const lines = [
    syntax,
    tr.t('help.topic.example', { example: code(topic.example) }),
    tr.t('help.topic.who', {
      roles: tr.list(roles),
      role: view.role,
      needed,
      allowed: allowed ? 'yes' : 'no',
    }),
  ];
  if (topic.related.length > 0)
    lines.push(
      tr.t('help.topic.related', {
        list: topic.related.map((name) => code(name)).join(' · '),
      }),
    );
  return [
    { type: 'header', text: { type: 'plain_text', text: truncate(`/migrate ${topic.name}`, 150) } },
    section(summary),
    section(lines.join('\n')),
    context(tr.t('help.topic.footer')),
  ];
}
