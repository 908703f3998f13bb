import type { KnownBlock } from '@slack/types';
import type { Connection } from '../../connections/connection.js';
import type { BrokenConnection, ConnectionRegistry } from '../../connections/connection-registry.js';
import type { StoredConnectionInfo } from '../../connections/connection-store.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import { KIND_PLURALS, NOT_OFFERED_RECHECK_MS } from '../../resources/kind-offering.js';
import { maskSecret } from '../../secrets.js';
import { AUTH_LABELS } from '../connection-form.js';
import { code, escapeControl, escapeMrkdwn, truncate } from './mrkdwn.js';

/**
 * What `/migrate connections` and the connect modal show of a connection: provider, endpoint host,
 * where it comes from, how it signs in and the names of its storage credentials. Never a
 * credential: secrets are shown as a fixed mask, whatever their length.
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

function absentLine(absent: readonly AbsentKind[] | undefined): string {
  if (!absent || absent.length === 0) return '';
  const kinds = absent.map((a) => KIND_PLURALS[a.kind]).join(', ');
  const checked = new Date(Math.min(...absent.map((a) => a.checkedAt))).toISOString().slice(0, 16);
  return `:heavy_minus_sign: Not offered here: ${kinds} (the provider has no API for them at this endpoint; seen ${checked.replace('T', ' ')} UTC, checked again after ${NOT_OFFERED_RECHECK_MS / 3_600_000} h).`;
}

/** A user id from a signed payload, shown as a mention; anything else is shown as code. */
function who(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : code(userId);
}

function host(endpoint: string): string {
  return URL.canParse(endpoint) ? new URL(endpoint).host : endpoint;
}

function storageLine(names: { source?: string; destination?: string }): string {
  const parts = [
    names.source ? `source ${code(names.source)}` : undefined,
    names.destination ? `destination ${code(names.destination)}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function origin(info: StoredConnectionInfo | undefined): string {
  if (!info) return 'connections file (configured as code)';
  return `added from Slack by ${who(info.createdBy)} on ${escapeControl(info.createdAt.slice(0, 10))}`;
}

/** One connection in mrkdwn (two lines), masked. */
export function describeConnection(registry: ConnectionRegistry, c: Connection): string {
  const info = registry.storedInfo(c);
  return [
    `*${code(c.name)}* · ${escapeMrkdwn(providerName(c.provider))} · ${code(host(c.endpoint))}`,
    `Source: ${origin(info)} · Sign-in: ${AUTH_LABELS[c.auth.type]} ${maskSecret('')} · ` +
      `Storage credentials: ${storageLine({ source: c.storage.source?.name, destination: c.storage.destination?.name })}`,
  ].join('\n');
}

function healthLine(health: Health | undefined): string {
  if (!health) return '';
  switch (health.state) {
    case 'ok':
      return `:large_green_circle: ok (${health.ms} ms)`;
    case 'timeout':
      return `:large_yellow_circle: no answer within ${health.seconds} s`;
    case 'error':
      return `:red_circle: ${escapeMrkdwn(health.summary)}${health.explanation ? `\n${escapeMrkdwn(health.explanation)}` : ''}`;
  }
}

function brokenText(b: BrokenConnection): string {
  return [
    `*${code(b.info.name)}* · ${escapeMrkdwn(providerName(b.info.provider))} · ${code(host(b.info.endpoint))}`,
    `Source: ${origin(b.info)} · Storage credentials: ${storageLine(b.info.storageNames)}`,
    `:warning: Cannot be used: ${escapeMrkdwn(b.error)} Remove it with \`/migrate disconnect ${b.info.name}\`.`,
  ].join('\n');
}

/** Slack allows 50 blocks in a message: two for the header and the footer, one per connection. */
const MAX_LISTED = 45;

export function renderConnectionList(
  registry: ConnectionRegistry,
  teamId: string,
  health: ReadonlyMap<string, Health>,
  absent: ReadonlyMap<string, readonly AbsentKind[]> = new Map(),
): { text: string; blocks: KnownBlock[] } {
  const connections = registry.forTeam(teamId);
  const broken = registry.brokenForTeam(teamId);
  const total = connections.length + broken.length;
  if (total === 0) {
    const text =
      'This workspace has no connections yet. An admin adds one with `/migrate connect`, or in the connections file (see README).';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Connections of this workspace* (${total})` },
    },
  ];
  const sections = [
    ...connections.map((c) =>
      [describeConnection(registry, c), healthLine(health.get(c.name)), absentLine(absent.get(c.name))]
        .filter(Boolean)
        .join('\n'),
    ),
    ...broken.map(brokenText),
  ];
  for (const text of sections.slice(0, MAX_LISTED)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
  }
  const more = sections.length - MAX_LISTED;
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text:
          (more > 0 ? `…and ${more} more. ` : '') +
          'Admins add connections with `/migrate connect` and remove them with `/migrate disconnect <name>`.',
      },
    ],
  });
  const okCount = [...health.values()].filter((h) => h.state === 'ok').length;
  return {
    text: `${total} connection${total === 1 ? '' : 's'}, ${okCount} answering`,
    blocks,
  };
}

export function renderDisconnectPrompt(
  registry: ConnectionRegistry,
  c: Connection | BrokenConnection,
): {
  text: string;
  blocks: KnownBlock[];
} {
  const name = 'info' in c ? c.info.name : c.name;
  const description = 'info' in c ? brokenText(c) : describeConnection(registry, c);
  const text = `Disconnect ${name}? Press the button to confirm. Nothing has changed yet.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(description, 3000) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:electric_plug: Press *Disconnect* to remove ${code(name)} and its stored credentials. Migrations already running at the provider are not touched.`,
        },
      },
      {
        type: 'actions',
        block_id: 'connection:disconnect',
        elements: [
          {
            type: 'button',
            action_id: DISCONNECT_ACTION,
            style: 'danger',
            text: { type: 'plain_text', text: 'Disconnect' },
            value: JSON.stringify({ n: name }),
            confirm: {
              title: { type: 'plain_text', text: truncate(`Disconnect ${name}?`, 100) },
              text: {
                type: 'mrkdwn',
                text: `The bot forgets ${code(name)} and its credentials in this workspace. Cards and watches that use it stop working.`,
              },
              confirm: { type: 'plain_text', text: 'Disconnect' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}
