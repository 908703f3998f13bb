import type { KnownBlock } from '@slack/types';
import type { Connection } from '../../connections/connection.js';
import type { BrokenConnection, ConnectionRegistry } from '../../connections/connection-registry.js';
import type { StoredConnectionInfo } from '../../connections/connection-store.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import { NOT_OFFERED_RECHECK_MS } from '../../resources/kind-offering.js';
import { maskSecret } from '../../secrets.js';
import { MESSAGE_TEXT_BUDGET } from '../../slack/blocks/message-budget.js';
import { code, context, escapeControl, escapeMrkdwn, section, truncate } from '../../slack/blocks/mrkdwn.js';
import { kindPlural } from '../../slack/blocks/resource-card.js';
import { own } from './words.js';

/**
 * What `/migrate connections` and the connect modal show of a connection, in the reader's
 * language: provider, endpoint host, where it comes from, how it signs in and the names of its
 * storage credentials. Never a credential: secrets are shown as a fixed mask, whatever their
 * length. Names, hosts and provider messages are never translated.
 */

export const DISCONNECT_ACTION = 'connection.disconnect';

/** The provider's short name from its definition; an unknown id is shown as it is. */
function providerName(id: string): string {
  return isProviderId(id) ? providerDefinition(id).shortName : id;
}

export type Health =
  | { state: 'ok'; ms: number }
  | { state: 'error'; summary: string; explanation?: string }
  | { state: 'timeout'; seconds: number };

/** A kind the connection's provider has no API for there, and when that was last seen. */
export interface AbsentKind {
  kind: ResourceKind;
  checkedAt: number;
}

function absentLine(absent: readonly AbsentKind[] | undefined, tr: Translator): string {
  if (!absent || absent.length === 0) return '';
  const kinds = absent.map((a) => kindPlural(a.kind, tr)).join(tr.locale === 'zh-CN' ? '、' : ', ');
  const checked = new Date(Math.min(...absent.map((a) => a.checkedAt))).toISOString().slice(0, 16);
  return own(tr).t('connection.absent', {
    kinds,
    seen: checked.replace('T', ' '),
    after: tr.duration(NOT_OFFERED_RECHECK_MS / 1000),
  });
}

/** A user id from a signed payload, shown as a mention; anything else is shown as code. */
function who(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : code(userId);
}

function host(endpoint: string): string {
  return URL.canParse(endpoint) ? new URL(endpoint).host : endpoint;
}

function storageLine(names: { source?: string; destination?: string }, tr: Translator): string {
  const parts = [
    names.source ? own(tr).t('connection.storage.source', { name: code(names.source) }) : undefined,
    names.destination
      ? own(tr).t('connection.storage.destination', { name: code(names.destination) })
      : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : own(tr).t('connection.storage.none');
}

function origin(info: StoredConnectionInfo | undefined, tr: Translator): string {
  if (!info) return own(tr).t('connection.origin.file');
  return own(tr).t('connection.origin.slack', {
    who: who(info.createdBy),
    date: escapeControl(info.createdAt.slice(0, 10)),
  });
}

/** One connection in mrkdwn (two lines), masked. */
export function describeConnection(
  registry: ConnectionRegistry,
  c: Connection,
  tr: Translator = ENGLISH,
): string {
  const info = registry.storedInfo(c);
  return [
    `*${code(c.name)}* · ${escapeMrkdwn(providerName(c.provider))} · ${code(host(c.endpoint))}`,
    own(tr).t('connection.details', {
      origin: origin(info, tr),
      auth: own(tr).t(`connection.auth.${c.auth.type}`),
      mask: maskSecret(''),
      storage: storageLine({ source: c.storage.source?.name, destination: c.storage.destination?.name }, tr),
    }),
  ].join('\n');
}

function healthLine(health: Health | undefined, tr: Translator): string {
  if (!health) return '';
  switch (health.state) {
    case 'ok':
      return own(tr).t('connection.health.ok', { ms: String(health.ms) });
    case 'timeout':
      return own(tr).t('connection.health.timeout', { after: tr.duration(health.seconds) });
    case 'error':
      return `:red_circle: ${escapeMrkdwn(health.summary)}${health.explanation ? `\n${escapeMrkdwn(health.explanation)}` : ''}`;
  }
}

function brokenText(b: BrokenConnection, tr: Translator): string {
  return [
    `*${code(b.info.name)}* · ${escapeMrkdwn(providerName(b.info.provider))} · ${code(host(b.info.endpoint))}`,
    own(tr).t('connection.detailsBroken', {
      origin: origin(b.info, tr),
      storage: storageLine(b.info.storageNames, tr),
    }),
    own(tr).t('connection.broken', { error: escapeMrkdwn(b.error), name: b.info.name }),
  ].join('\n');
}

/** Slack allows 50 blocks in a message: two for the header and the footer, one per connection. */
const MAX_LISTED = 45;

export function renderConnectionList(
  registry: ConnectionRegistry,
  teamId: string,
  health: ReadonlyMap<string, Health>,
  absent: ReadonlyMap<string, readonly AbsentKind[]> = new Map(),
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const connections = registry.forTeam(teamId);
  const broken = registry.brokenForTeam(teamId);
  const total = connections.length + broken.length;
  if (total === 0) {
    const text = own(tr).t('connection.none');
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [section(own(tr).t('connection.header', { n: String(total) }))];
  const sections = [
    ...connections.map((c) =>
      [
        describeConnection(registry, c, tr),
        healthLine(health.get(c.name), tr),
        absentLine(absent.get(c.name), tr),
      ]
        .filter(Boolean)
        .join('\n'),
    ),
    ...broken.map((b) => brokenText(b, tr)),
  ];
  // At most MAX_LISTED blocks, and no more text than Slack takes in one message (message-budget.ts).
  let used = 0;
  let listed = 0;
  for (const part of sections) {
    const text = truncate(part, 3000);
    if (listed >= MAX_LISTED || used + text.length > MESSAGE_TEXT_BUDGET) break;
    blocks.push(section(text));
    used += text.length;
    listed++;
  }
  const more = sections.length - listed;
  blocks.push(
    context(
      (more > 0 ? own(tr).t('connection.more', { n: String(more) }) : '') + own(tr).t('connection.footer'),
    ),
  );
  const okCount = [...health.values()].filter((h) => h.state === 'ok').length;
  return {
    text: own(tr).t(total === 1 ? 'connection.count.one' : 'connection.count.other', {
      n: String(total),
      ok: String(okCount),
    }),
    blocks,
  };
}

export function renderDisconnectPrompt(
  registry: ConnectionRegistry,
  c: Connection | BrokenConnection,
  tr: Translator = ENGLISH,
): {
  text: string;
  blocks: KnownBlock[];
} {
  const name = 'info' in c ? c.info.name : c.name;
  const description = 'info' in c ? brokenText(c, tr) : describeConnection(registry, c, tr);
  const text = own(tr).t('connection.disconnect.text', { name });
  return {
    text,
    blocks: [
      section(description),
      section(own(tr).t('connection.disconnect.explain', { name: code(name) })),
      {
        type: 'actions',
        block_id: 'connection:disconnect',
        elements: [
          {
            type: 'button',
            action_id: DISCONNECT_ACTION,
            style: 'danger',
            text: { type: 'plain_text', text: truncate(own(tr).t('connection.disconnect.button'), 75) },
            value: JSON.stringify({ n: name }),
            confirm: {
              title: {
                type: 'plain_text',
                text: truncate(own(tr).t('connection.disconnect.title', { name }), 100),
              },
              text: {
                type: 'mrkdwn',
                text: truncate(own(tr).t('connection.disconnect.confirm', { name: code(name) }), 300),
              },
              confirm: { type: 'plain_text', text: truncate(own(tr).t('connection.disconnect.button'), 30) },
              deny: { type: 'plain_text', text: truncate(tr.t('modal.cancel'), 30) },
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}
