import type { KnownBlock } from '@slack/types';
import type { Connection } from '../../../connections/connection.js';
import type { CapabilityButton } from '../../../contract/card.js';
import type { MigrationResource } from '../../../domain/migration-resource.js';
import type { Translator } from '../../../i18n/translator.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { OBJECTS_WORDS } from '../words.js';
import { SAMPLE_BYTES, SAMPLE_OBJECT_MAX_BYTES, SAMPLE_OBJECTS } from './sample.js';

const GIB = 1024 ** 3;

/** The bucket check's one button route: a check, a content check's confirmation, or its start. */
export const CHECK_ACTION = 'objects.check';

/** What a button names of a run, and what it asks: the confirmation (`ask`) or the check (`go`). */
export interface RunValue {
  c: string;
  k: string;
  id: string;
  m?: 'ask' | 'go';
}

/**
 * What a content check may download and cost, said before it runs (issue 78), with the button that
 * starts it: the sample's bounds, and the source's egress for them at the connection's price when
 * the connection has one (as the pre-flight prices a run). Only the person who asked sees it.
 */
export function contentConfirmation(
  resource: MigrationResource,
  connection: Pick<Connection, 'egressPricePerGiB'> | undefined,
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  const w = tr.with(OBJECTS_WORDS);
  const price = connection?.egressPricePerGiB;
  const text = w.t('objects.content.confirm', {
    ref: code(`${resource.connection}:${resource.id}`),
    objects: SAMPLE_OBJECTS,
    bytes: tr.bytes(SAMPLE_BYTES),
    large: tr.bytes(SAMPLE_OBJECT_MAX_BYTES),
    price: price ? `$${price}` : 'none',
    cost: price ? `$${((SAMPLE_BYTES / GIB) * price).toFixed(2)}` : '',
  });
  const value: RunValue = { c: resource.connection, k: resource.kind, id: resource.id, m: 'go' };
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            style: 'primary',
            action_id: CHECK_ACTION,
            text: { type: 'plain_text', text: w.t('objects.content.go') },
            value: JSON.stringify(value),
          },
        ],
      },
    ],
  };
}

/** "Check the content" under a finished bucket check: it asks first (the sample's bounds and cost). */
export function contentButton(run: RunValue, tr: Translator): CapabilityButton {
  return {
    type: 'button',
    action_id: CHECK_ACTION,
    text: { type: 'plain_text', text: tr.with(OBJECTS_WORDS).t('objects.content.button') },
    value: JSON.stringify({ ...run, m: 'ask' } satisfies RunValue),
  };
}
