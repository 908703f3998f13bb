import type { KnownBlock } from '@slack/types';
import type { StorageCredential } from '../../connections/connection.js';
import { CONNECTION_NAME } from '../../connections/load-connections-file.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { ConnectDefinition } from '../../providers/definition.js';
import { divider, section } from '../../slack/blocks/create/modal-kit.js';
import { connectInput, NO_SPACE } from './connection-form-fields.js';
import { own } from './words.js';

/**
 * The storage-credential part of the connect form (the bucket keys a migration reads and writes
 * with), the same for every provider: which roles and whether a Google JSON key is offered come
 * from the provider's `connect.storage`.
 */
const STORAGE_BLOCKS = {
  source: { name: 'src_name', ak: 'src_access_key', sk: 'src_secret_key', json: 'src_gcs_json' },
  destination: { name: 'dst_name', ak: 'dst_access_key', sk: 'dst_secret_key', json: undefined },
} as const;

type Storage = ConnectDefinition['storage'];

export const STORAGE_BLOCK_IDS: string[] = [
  ...Object.values(STORAGE_BLOCKS.source),
  ...Object.values(STORAGE_BLOCKS.destination),
].flatMap((id): string[] => (id === undefined ? [] : [id]));

export function storageBlocks(
  storage: Storage,
  prefill: Record<string, string>,
  tr: Translator = ENGLISH,
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    divider(),
    section(own(tr).t('connect.storage.intro', { writes: storage.destination ? 'yes' : 'no' })),
    connectInput('src_name', {
      label: own(tr).t('connect.storage.srcName'),
      placeholder: 'aws-src',
      optional: true,
      maxLength: 40,
      initial: prefill.src_name,
    }),
    connectInput('src_access_key', { label: own(tr).t('connect.storage.srcAccessKey'), optional: true }),
    connectInput('src_secret_key', { label: own(tr).t('connect.storage.srcSecretKey'), optional: true }),
  ];
  if (storage.serviceAccountJson) {
    blocks.push(
      connectInput('src_gcs_json', {
        label: own(tr).t('connect.storage.srcJson'),
        hint: own(tr).t('connect.storage.srcJsonHint'),
        optional: true,
        multiline: true,
        maxLength: 3000,
      }),
    );
  }
  if (storage.destination) {
    blocks.push(
      connectInput('dst_name', {
        label: own(tr).t('connect.storage.dstName'),
        placeholder: 'obs-dst',
        optional: true,
        maxLength: 40,
        initial: prefill.dst_name,
      }),
      connectInput('dst_access_key', { label: own(tr).t('connect.storage.dstAccessKey'), optional: true }),
      connectInput('dst_secret_key', { label: own(tr).t('connect.storage.dstSecretKey'), optional: true }),
    );
  }
  return blocks;
}

/** The storage credentials typed, or errors on their blocks through `fail`. */
export function storageCredentials(
  storage: Storage,
  get: (block: string, secret?: boolean) => string,
  fail: (block: string, message: string) => void,
  tr: Translator = ENGLISH,
): { source?: StorageCredential; destination?: StorageCredential } {
  const source = credential('source', storage.serviceAccountJson, get, fail, tr);
  const destination = storage.destination ? credential('destination', false, get, fail, tr) : undefined;
  if (source && destination && source.name === destination.name)
    fail(STORAGE_BLOCKS.destination.name, own(tr).t('connect.storage.error.sameName'));
  return { ...(source ? { source } : {}), ...(destination ? { destination } : {}) };
}

function credential(
  role: 'source' | 'destination',
  withJson: boolean,
  get: (block: string, secret?: boolean) => string,
  fail: (block: string, message: string) => void,
  tr: Translator,
): StorageCredential | undefined {
  const blocks = STORAGE_BLOCKS[role];
  const name = get(blocks.name);
  const accessKey = get(blocks.ak, true);
  const secretKey = get(blocks.sk, true);
  const json = blocks.json && withJson ? get(blocks.json, true) : '';
  if (!name && !accessKey && !secretKey && !json) return undefined;
  if (!name) fail(blocks.name, own(tr).t('connect.storage.error.name', { role }));
  else if (!CONNECTION_NAME.test(name)) fail(blocks.name, own(tr).t('connect.storage.error.nameRule'));
  if (json && blocks.json) {
    if (accessKey || secretKey) fail(blocks.json, own(tr).t('connect.storage.error.both'));
    const problem = serviceAccountProblem(json);
    if (problem) fail(blocks.json, own(tr).t(`connect.storage.error.${problem}`));
    return { name, jsonAuthFile: json };
  }
  if (!accessKey) fail(blocks.ak, own(tr).t('connect.storage.error.accessKey', { role }));
  else if (!/^[A-Za-z0-9/+=_-]{4,128}$/.test(accessKey))
    fail(blocks.ak, own(tr).t('connect.storage.error.accessKeyRule'));
  if (!secretKey) fail(blocks.sk, own(tr).t('connect.storage.error.secretKey', { role }));
  else if (!NO_SPACE.test(secretKey)) fail(blocks.sk, own(tr).t('connect.storage.error.secretKeySpace'));
  return { name, accessKey, secretKey };
}

/** What is wrong with a pasted service-account key, as the end of its message key. */
function serviceAccountProblem(json: string): 'notJson' | 'notServiceAccount' | 'noKey' | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json) as unknown;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'notJson';
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account') return 'notServiceAccount';
  if (typeof key.private_key !== 'string' || typeof key.client_email !== 'string') return 'noKey';
  return undefined;
}
