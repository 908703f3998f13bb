import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import type { Connection, ConnectionAuth, StorageCredential } from '../connections/connection.js';
import {
  checkEndpoint,
  DEFAULT_ENDPOINTS,
  DEFAULT_IAM_ENDPOINT,
  endpointExample,
} from '../connections/endpoint-policy.js';
import { CONNECTION_NAME } from '../connections/load-connections-file.js';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../providers/provider-ids.js';

/**
 * The `/migrate connect` modal: its blocks and the parser of a submission. Block ids are stable
 * (Slack keeps what was typed across `views.update` when block and action ids stay the same), and
 * fields whose default depends on the provider carry the provider in their id so switching
 * provider shows that provider's default. A secret is never pre-filled and never put in
 * `private_metadata`, which only carries where the command was typed.
 */

export const CONNECT_CALLBACK_ID = 'connection.connect';
/** Provider and auth-method selects dispatch this action: the modal is redrawn for the choice. */
export const CONNECT_FORM_ACTION = 'connection.form';

export type AuthChoice = ConnectionAuth['type'];

const PROVIDER_LABELS: Record<ProviderId, string> = {
  'huawei-oms': 'Huawei Cloud OMS',
  ncp: 'NAVER Cloud Object Migration',
  upcloud: 'UpCloud Managed Object Storage',
};

const AUTH_CHOICES: Record<ProviderId, { value: AuthChoice; label: string }[]> = {
  'huawei-oms': [
    { value: 'aksk', label: 'Access key (AK/SK)' },
    { value: 'token', label: 'IAM user and password' },
  ],
  ncp: [{ value: 'aksk', label: 'API access key pair' }],
  upcloud: [
    { value: 'bearer', label: 'API token' },
    { value: 'basic', label: 'Username and password' },
  ],
};

export const AUTH_LABELS: Record<AuthChoice, string> = {
  aksk: 'access key pair',
  token: 'IAM user and password',
  bearer: 'API token',
  basic: 'username and password',
};

/** Block ids of the form; `blockId('endpoint', 'ncp')` for provider-specific ones. */
export const BLOCK = {
  name: 'name',
  provider: 'provider',
  endpoint: 'endpoint',
  projectId: 'project_id',
  region: 'region',
  serviceId: 'service_id',
  authType: 'auth_type',
  accessKey: 'access_key',
  secretKey: 'secret_key',
  securityToken: 'security_token',
  iamEndpoint: 'iam_endpoint',
  iamUser: 'iam_user',
  iamPassword: 'iam_password',
  iamDomain: 'iam_domain',
  token: 'api_token',
  username: 'username',
  password: 'password',
  srcName: 'src_name',
  srcAccessKey: 'src_access_key',
  srcSecretKey: 'src_secret_key',
  srcGcsJson: 'src_gcs_json',
  dstName: 'dst_name',
  dstAccessKey: 'dst_access_key',
  dstSecretKey: 'dst_secret_key',
} as const;
type BlockName = keyof typeof BLOCK;

/** Fields a redrawn form may pre-fill: nothing secret, not even an access key id. */
const PREFILLABLE = new Set<BlockName>([
  'name',
  'endpoint',
  'projectId',
  'region',
  'serviceId',
  'iamEndpoint',
  'iamUser',
  'iamDomain',
  'username',
  'srcName',
  'dstName',
]);

export function blockId(name: BlockName, provider: ProviderId): string {
  return name === 'endpoint' || name === 'authType' ? `${BLOCK[name]}.${provider}` : BLOCK[name];
}

export interface FormChoice {
  provider: ProviderId;
  auth: AuthChoice;
}

/** Where the command was typed; the only thing `private_metadata` carries. */
export interface ConnectMetadata {
  channel?: string;
}

export function encodeMetadata(meta: ConnectMetadata): string {
  return JSON.stringify({ v: 1, c: meta.channel });
}

export function decodeMetadata(raw: string | undefined): ConnectMetadata {
  const parsed = z
    .object({ v: z.literal(1), c: z.string().max(40).optional() })
    .safeParse(safeJson(raw ?? ''));
  return parsed.success ? { channel: parsed.data.c } : {};
}

export function defaultChoice(provider: ProviderId = 'huawei-oms'): FormChoice {
  const first = AUTH_CHOICES[provider][0];
  return { provider, auth: first?.value ?? 'aksk' };
}

/** Values as Slack reports them in `view.state.values`: one element per block. */
export type StateValues = Record<
  string,
  Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>
>;

function rawValue(values: StateValues, id: string): string | undefined {
  const block: unknown = values?.[id];
  const element = block && typeof block === 'object' ? Object.values(block)[0] : undefined;
  if (!element || typeof element !== 'object') return undefined;
  // Only strings count: a shape Slack never sends (a number, an object) reads as an empty field.
  const value: unknown = element.selected_option?.value ?? element.value;
  return typeof value === 'string' ? value : undefined;
}

/** The provider and auth method chosen so far (the modal is redrawn for them). */
export function choiceFrom(values: StateValues, fallback: FormChoice = defaultChoice()): FormChoice {
  const provider = rawValue(values, BLOCK.provider);
  const chosen: ProviderId = provider && isProviderId(provider) ? provider : fallback.provider;
  const auth = rawValue(values, blockId('authType', chosen));
  const allowed = AUTH_CHOICES[chosen];
  const valid = allowed.find((a) => a.value === auth)?.value;
  return { provider: chosen, auth: valid ?? allowed[0]?.value ?? 'aksk' };
}

// ---------------------------------------------------------------------------------------------
// The modal

interface FieldOptions {
  label: string;
  placeholder?: string;
  hint?: string;
  optional?: boolean;
  multiline?: boolean;
  maxLength?: number;
  initial?: string;
}

function input(id: string, options: FieldOptions): KnownBlock {
  return {
    type: 'input',
    block_id: id,
    optional: options.optional ?? false,
    label: { type: 'plain_text', text: options.label },
    ...(options.hint ? { hint: { type: 'plain_text' as const, text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: options.multiline ?? false,
      max_length: options.maxLength ?? 256,
      ...(options.placeholder
        ? { placeholder: { type: 'plain_text' as const, text: options.placeholder } }
        : {}),
      ...(options.initial ? { initial_value: options.initial } : {}),
    },
  };
}

function option(value: string, label: string): PlainTextOption {
  return { text: { type: 'plain_text', text: label }, value };
}

function select(id: string, label: string, options: PlainTextOption[], initial: string): KnownBlock {
  return {
    type: 'input',
    block_id: id,
    dispatch_action: true,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'static_select',
      action_id: CONNECT_FORM_ACTION,
      options,
      initial_option: options.find((o) => o.value === initial) ?? options[0],
    },
  };
}

export interface ModalOptions {
  /** A problem to show above the fields (a slow check that failed after the modal was acked). */
  notice?: string;
  /** Non-secret values to pre-fill (only names in PREFILLABLE are used). */
  prefill?: Partial<Record<BlockName, string>>;
}

export function connectModal(
  choice: FormChoice,
  meta: ConnectMetadata,
  options: ModalOptions = {},
): ModalView {
  const { provider, auth } = choice;
  const initial = (name: BlockName, fallback?: string) =>
    (PREFILLABLE.has(name) ? options.prefill?.[name] : undefined) ?? fallback;
  const blocks: KnownBlock[] = [];
  if (options.notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: options.notice } });
  blocks.push(
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'The connection is tested before it is saved. Credentials are stored encrypted and are never shown again.',
        },
      ],
    },
    input(BLOCK.name, {
      label: 'Name',
      placeholder: 'hw-prod',
      hint: 'Lowercase letters, digits, - or _. Used in ids such as hw-prod:1912…',
      maxLength: 40,
      initial: initial('name'),
    }),
    select(
      BLOCK.provider,
      'Provider',
      PROVIDER_IDS.map((id) => option(id, PROVIDER_LABELS[id])),
      provider,
    ),
    input(blockId('endpoint', provider), {
      label: 'Endpoint',
      placeholder: endpointExample(provider),
      maxLength: 200,
      initial: initial('endpoint', DEFAULT_ENDPOINTS[provider]),
    }),
  );
  const authSelect = () =>
    select(
      blockId('authType', provider),
      'Sign in with',
      AUTH_CHOICES[provider].map((a) => option(a.value, a.label)),
      auth,
    );
  switch (provider) {
    case 'huawei-oms':
      blocks.push(
        input(BLOCK.projectId, {
          label: 'Project id',
          placeholder: '0215ef11e49d4743be23dd97a156xxxx',
          hint: 'Console → My Credentials → API Credentials → Projects (32 hexadecimal characters)',
          maxLength: 64,
          initial: initial('projectId'),
        }),
        authSelect(),
      );
      if (auth === 'token') {
        blocks.push(
          input(BLOCK.iamEndpoint, {
            label: 'IAM endpoint',
            maxLength: 200,
            initial: initial('iamEndpoint', DEFAULT_IAM_ENDPOINT),
          }),
          input(BLOCK.iamUser, { label: 'IAM user name', maxLength: 64, initial: initial('iamUser') }),
          input(BLOCK.iamPassword, { label: 'IAM password', maxLength: 256 }),
          input(BLOCK.iamDomain, {
            label: 'Account (domain) name',
            maxLength: 64,
            initial: initial('iamDomain'),
          }),
        );
      } else blocks.push(...accessKeyFields(true));
      break;
    case 'ncp':
      blocks.push(
        input(BLOCK.region, {
          label: 'Region code',
          placeholder: 'KR',
          hint: 'Sent as x-ncp-region_code: KR, JPN, SGN, …',
          maxLength: 16,
          initial: initial('region'),
        }),
        ...accessKeyFields(false),
      );
      break;
    case 'upcloud':
      blocks.push(
        input(BLOCK.serviceId, {
          label: 'Object Storage service UUID',
          placeholder: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
          maxLength: 64,
          initial: initial('serviceId'),
        }),
        authSelect(),
      );
      if (auth === 'basic') {
        blocks.push(
          input(BLOCK.username, { label: 'API user name', maxLength: 128, initial: initial('username') }),
          input(BLOCK.password, { label: 'API password', maxLength: 256 }),
        );
      } else blocks.push(input(BLOCK.token, { label: 'API token', maxLength: 1024 }));
      break;
  }
  blocks.push(
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          '*Storage credentials* (optional)\nThe bucket keys a migration reads with' +
          (provider === 'huawei-oms' ? ' and writes with' : '') +
          ': needed to start or create migrations, never to watch them.',
      },
    },
    input(BLOCK.srcName, {
      label: 'Source credential name',
      placeholder: 'aws-src',
      optional: true,
      maxLength: 40,
      initial: initial('srcName'),
    }),
    input(BLOCK.srcAccessKey, { label: 'Source access key', optional: true }),
    input(BLOCK.srcSecretKey, { label: 'Source secret key', optional: true }),
  );
  if (provider === 'huawei-oms') {
    blocks.push(
      input(BLOCK.srcGcsJson, {
        label: 'Source Google service-account JSON',
        hint: 'Only for Google Cloud Storage sources, instead of the access key pair.',
        optional: true,
        multiline: true,
        maxLength: 3000,
      }),
      input(BLOCK.dstName, {
        label: 'Destination credential name',
        placeholder: 'obs-dst',
        optional: true,
        maxLength: 40,
        initial: initial('dstName'),
      }),
      input(BLOCK.dstAccessKey, { label: 'Destination access key', optional: true }),
      input(BLOCK.dstSecretKey, { label: 'Destination secret key', optional: true }),
    );
  }
  return {
    type: 'modal',
    callback_id: CONNECT_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Add a connection' },
    submit: { type: 'plain_text', text: 'Test and save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: encodeMetadata(meta),
    blocks,
  };
}

function accessKeyFields(withSecurityToken: boolean): KnownBlock[] {
  const fields = [
    input(BLOCK.accessKey, { label: 'Access key id', maxLength: 128 }),
    input(BLOCK.secretKey, { label: 'Secret key', maxLength: 256 }),
  ];
  if (withSecurityToken) {
    fields.push(
      input(BLOCK.securityToken, {
        label: 'Security token',
        hint: 'Only for temporary credentials.',
        optional: true,
        maxLength: 3000,
      }),
    );
  }
  return fields;
}

/** A modal with only a message (testing…, saved, could not save). */
export function messageModal(title: string, text: string, meta: ConnectMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: `${CONNECT_CALLBACK_ID}.done`,
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: 'Close' },
    private_metadata: encodeMetadata(meta),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing a submission

export type ParsedForm =
  | { ok: true; connection: Connection; prefill: Partial<Record<BlockName, string>> }
  | { ok: false; errors: Record<string, string> };

const NO_SPACE = /^\S+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates a submitted form into a connection, or into inline errors keyed by block id (every
 * problem at once, each saying what is expected). Nothing is stored or tested here.
 */
export function parseConnectForm(
  values: StateValues,
  teamId: string,
  allowList: readonly string[],
): ParsedForm {
  const choice = choiceFrom(values);
  const { provider, auth } = choice;
  const errors: Record<string, string> = {};
  const prefill: Partial<Record<BlockName, string>> = {};
  const get = (name: BlockName): string => {
    const value = (rawValue(values, blockId(name, provider)) ?? '').trim();
    if (value && PREFILLABLE.has(name)) prefill[name] = value;
    return value;
  };
  const fail = (name: BlockName, message: string) => {
    errors[blockId(name, provider)] ??= message;
  };
  const required = (name: BlockName, what: string): string => {
    const value = get(name);
    if (!value) fail(name, `Enter the ${what}.`);
    return value;
  };
  const secret = (name: BlockName, what: string, min = 8): string => {
    const value = required(name, what);
    if (value && (!NO_SPACE.test(value) || value.length < min))
      fail(name, `The ${what} is at least ${min} characters without spaces; check for a stray space.`);
    return value;
  };
  const accessKeyId = (name: BlockName, what: string): string => {
    const value = required(name, what);
    if (value && !/^[A-Za-z0-9]{8,128}$/.test(value))
      fail(name, `The ${what} is letters and digits only (8 or more), e.g. HPUAL7YFH2XXXXXXXXXX.`);
    return value;
  };

  const name = required('name', 'connection name');
  if (name && !CONNECTION_NAME.test(name))
    fail(
      'name',
      'Use lowercase letters, digits, - or _ (at most 40, starting with a letter or digit), e.g. hw-prod.',
    );

  const endpointText = required('endpoint', 'endpoint');
  let endpoint = endpointText;
  if (endpointText) {
    const verdict = checkEndpoint(provider, 'api', endpointText, allowList);
    if (verdict.ok) endpoint = verdict.url;
    else fail('endpoint', verdict.message);
  }

  let connectionAuth: ConnectionAuth | undefined;
  let projectId: string | undefined;
  let region: string | undefined;
  let serviceId: string | undefined;
  switch (provider) {
    case 'huawei-oms': {
      projectId = required('projectId', 'project id');
      if (projectId && !/^[0-9a-f]{32}$/i.test(projectId))
        fail('projectId', 'A Huawei project id is 32 hexadecimal characters (My Credentials → Projects).');
      if (auth === 'token') {
        const iamText = required('iamEndpoint', 'IAM endpoint');
        let iamEndpoint = iamText;
        if (iamText) {
          const verdict = checkEndpoint(provider, 'iam', iamText, allowList);
          if (verdict.ok) iamEndpoint = verdict.url;
          else fail('iamEndpoint', verdict.message);
        }
        connectionAuth = {
          type: 'token',
          iamEndpoint,
          user: required('iamUser', 'IAM user name'),
          password: required('iamPassword', 'IAM password'),
          domain: required('iamDomain', 'account (domain) name'),
        };
      } else {
        const securityToken = get('securityToken');
        connectionAuth = {
          type: 'aksk',
          accessKey: accessKeyId('accessKey', 'access key id'),
          secretKey: secret('secretKey', 'secret key'),
          ...(securityToken ? { securityToken } : {}),
        };
      }
      break;
    }
    case 'ncp':
      region = required('region', 'region code');
      if (region && !/^[A-Z]{2,8}$/.test(region))
        fail('region', 'A region code is 2 to 8 capital letters, e.g. KR, JPN or SGN.');
      connectionAuth = {
        type: 'aksk',
        accessKey: accessKeyId('accessKey', 'access key id'),
        secretKey: secret('secretKey', 'secret key'),
      };
      break;
    case 'upcloud':
      serviceId = required('serviceId', 'service UUID');
      if (serviceId && !UUID.test(serviceId))
        fail(
          'serviceId',
          'The service UUID looks like 1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f (Object Storage → your service).',
        );
      connectionAuth =
        auth === 'basic'
          ? {
              type: 'basic',
              username: required('username', 'API user name'),
              password: required('password', 'API password'),
            }
          : { type: 'bearer', token: secret('token', 'API token', 16) };
      break;
  }

  const source = storageCredential('source', provider, get, fail);
  const destination =
    provider === 'huawei-oms' ? storageCredential('destination', provider, get, fail) : undefined;
  if (source && destination && source.name === destination.name)
    fail('dstName', 'Give the destination credential its own name.');

  if (Object.keys(errors).length > 0 || !connectionAuth) return { ok: false, errors };
  return {
    ok: true,
    prefill,
    connection: {
      name,
      team: teamId,
      provider,
      endpoint,
      ...(projectId ? { projectId } : {}),
      ...(region ? { region } : {}),
      ...(serviceId ? { serviceId } : {}),
      auth: connectionAuth,
      storage: {
        ...(source ? { source } : {}),
        ...(destination ? { destination } : {}),
      },
    },
  };
}

function storageCredential(
  role: 'source' | 'destination',
  provider: ProviderId,
  get: (name: BlockName) => string,
  fail: (name: BlockName, message: string) => void,
): StorageCredential | undefined {
  const fields =
    role === 'source'
      ? ({ name: 'srcName', ak: 'srcAccessKey', sk: 'srcSecretKey', json: 'srcGcsJson' } as const)
      : ({ name: 'dstName', ak: 'dstAccessKey', sk: 'dstSecretKey', json: undefined } as const);
  const name = get(fields.name);
  const accessKey = get(fields.ak);
  const secretKey = get(fields.sk);
  const json = fields.json && provider === 'huawei-oms' ? get(fields.json) : '';
  if (!name && !accessKey && !secretKey && !json) return undefined;
  if (!name)
    fail(fields.name, `Name the ${role} credential (e.g. ${role === 'source' ? 'aws-src' : 'obs-dst'}).`);
  else if (!CONNECTION_NAME.test(name))
    fail(fields.name, 'Use lowercase letters, digits, - or _ (at most 40).');
  if (json && fields.json) {
    if (accessKey || secretKey)
      fail(fields.json, 'Give either the access key pair or the Google JSON, not both.');
    const problem = serviceAccountProblem(json);
    if (problem) fail(fields.json, problem);
    return { name, jsonAuthFile: json };
  }
  if (!accessKey) fail(fields.ak, `Enter the ${role} access key (or leave the whole ${role} section empty).`);
  else if (!/^[A-Za-z0-9/+=_-]{4,128}$/.test(accessKey))
    fail(fields.ak, 'An access key is letters and digits only.');
  if (!secretKey) fail(fields.sk, `Enter the ${role} secret key (or leave the whole ${role} section empty).`);
  else if (!NO_SPACE.test(secretKey))
    fail(fields.sk, 'The secret key has a space in it; check for a stray space.');
  return { name, accessKey, secretKey };
}

function serviceAccountProblem(json: string): string | undefined {
  const parsed = safeJson(json);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return 'This is not JSON: paste the whole service-account key file ({"type": "service_account", …}).';
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account')
    return 'The JSON is not a service-account key ("type" must be "service_account").';
  if (typeof key.private_key !== 'string' || typeof key.client_email !== 'string')
    return 'The service-account JSON has no private_key or client_email: download a new key file.';
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
