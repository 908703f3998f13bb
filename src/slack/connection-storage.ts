import type { KnownBlock } from '@slack/types';
import type { StorageCredential } from '../connections/connection.js';
import { CONNECTION_NAME } from '../connections/load-connections-file.js';
import type { ConnectDefinition } from '../providers/definition.js';
import { divider, section } from './blocks/create/modal-kit.js';
import { connectInput, NO_SPACE } from './connection-form.js';

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

export function storageBlocks(storage: Storage, prefill: Record<string, string>): KnownBlock[] {
  const blocks: KnownBlock[] = [
    divider(),
    section(
      '*Storage credentials* (optional)\nThe bucket keys a migration reads with' +
        (storage.destination ? ' and writes with' : '') +
        ': needed to start or create migrations, never to watch them.',
    ),
    connectInput('src_name', {
      label: 'Source credential name',
      placeholder: 'aws-src',
      optional: true,
      maxLength: 40,
      initial: prefill.src_name,
    }),
    connectInput('src_access_key', { label: 'Source access key', optional: true }),
    connectInput('src_secret_key', { label: 'Source secret key', optional: true }),
  ];
  if (storage.serviceAccountJson) {
    blocks.push(
      connectInput('src_gcs_json', {
        label: 'Source Google service-account JSON',
        hint: 'Only for Google Cloud Storage sources, instead of the access key pair.',
        optional: true,
        multiline: true,
        maxLength: 3000,
      }),
    );
  }
  if (storage.destination) {
    blocks.push(
      connectInput('dst_name', {
        label: 'Destination credential name',
        placeholder: 'obs-dst',
        optional: true,
        maxLength: 40,
        initial: prefill.dst_name,
      }),
      connectInput('dst_access_key', { label: 'Destination access key', optional: true }),
      connectInput('dst_secret_key', { label: 'Destination secret key', optional: true }),
    );
  }
  return blocks;
}

/** The storage credentials typed, or errors on their blocks through `fail`. */
export function storageCredentials(
  storage: Storage,
  get: (block: string, secret?: boolean) => string,
  fail: (block: string, message: string) => void,
): { source?: StorageCredential; destination?: StorageCredential } {
  const source = credential('source', storage.serviceAccountJson, get, fail);
  const destination = storage.destination ? credential('destination', false, get, fail) : undefined;
  if (source && destination && source.name === destination.name)
    fail(STORAGE_BLOCKS.destination.name, 'Give the destination credential its own name.');
  return { ...(source ? { source } : {}), ...(destination ? { destination } : {}) };
}

function credential(
  role: 'source' | 'destination',
  withJson: boolean,
  get: (block: string, secret?: boolean) => string,
  fail: (block: string, message: string) => void,
): StorageCredential | undefined {
  const blocks = STORAGE_BLOCKS[role];
  const name = get(blocks.name);
  const accessKey = get(blocks.ak, true);
  const secretKey = get(blocks.sk, true);
  const json = blocks.json && withJson ? get(blocks.json, true) : '';
  if (!name && !accessKey && !secretKey && !json) return undefined;
  if (!name)
    fail(blocks.name, `Name the ${role} credential (e.g. ${role === 'source' ? 'aws-src' : 'obs-dst'}).`);
  else if (!CONNECTION_NAME.test(name))
    fail(blocks.name, 'Use lowercase letters, digits, - or _ (at most 40).');
  if (json && blocks.json) {
    if (accessKey || secretKey)
      fail(blocks.json, 'Give either the access key pair or the Google JSON, not both.');
    const problem = serviceAccountProblem(json);
    if (problem) fail(blocks.json, problem);
    return { name, jsonAuthFile: json };
  }
  if (!accessKey) fail(blocks.ak, `Enter the ${role} access key (or leave the whole ${role} section empty).`);
  else if (!/^[A-Za-z0-9/+=_-]{4,128}$/.test(accessKey))
    fail(blocks.ak, 'An access key is letters and digits only.');
  if (!secretKey) fail(blocks.sk, `Enter the ${role} secret key (or leave the whole ${role} section empty).`);
  else if (!NO_SPACE.test(secretKey))
    fail(blocks.sk, 'The secret key has a space in it; check for a stray space.');
  return { name, accessKey, secretKey };
}

function serviceAccountProblem(json: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json) as unknown;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return 'This is not JSON: paste the whole service-account key file ({"type": "service_account", …}).';
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account')
    return 'The JSON is not a service-account key ("type" must be "service_account").';
  if (typeof key.private_key !== 'string' || typeof key.client_email !== 'string')
    return 'The service-account JSON has no private_key or client_email: download a new key file.';
  return undefined;
}
