import type { ConnectField } from './definition.js';

/** An API access key pair (Huawei AK/SK, NCP API key): the same blocks for every provider that uses one. */
export const ACCESS_KEY_FIELDS: readonly ConnectField[] = [
  {
    key: 'accessKey',
    block: 'access_key',
    label: 'Access key id',
    what: 'access key id',
    maxLength: 128,
    noPrefill: true,
    check: { type: 'access-key-id' },
  },
  {
    key: 'secretKey',
    block: 'secret_key',
    label: 'Secret key',
    what: 'secret key',
    maxLength: 256,
    secret: true,
    check: { type: 'secret', min: 8 },
  },
];

/** `bucket/prefix`, or the bucket alone (approval summaries). */
export function joinPath(bucket: string, prefix: string | undefined): string {
  if (!prefix) return bucket;
  return `${bucket}/${prefix.replace(/^\/+/, '')}`;
}
