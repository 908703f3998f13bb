import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectBlockIds } from '../../../src/capabilities/connections/connection-form.js';
import type { StateValues } from '../../../src/capabilities/connections/connection-form-fields.js';
import { parseConnectForm } from '../../../src/capabilities/connections/connection-form-parse.js';
import { checkEndpoint } from '../../../src/connections/endpoint-policy.js';
import { CONNECTION_NAME } from '../../../src/connections/load-connections-file.js';
import { InvalidInputError } from '../../../src/errors.js';
import { validateCreateRequest } from '../../../src/providers/create-request.js';
import { OMS_LABELS } from '../../../src/providers/huawei-oms/create-form.js';
import { NCP_LABELS } from '../../../src/providers/ncp/create-form.js';
import { UPCLOUD_LABELS } from '../../../src/providers/upcloud/create-form.js';
import { requestFromForm } from '../../../src/slack/create-forms/index.js';
import {
  decodeConnectMetadata,
  decodeFormMetadata,
  decodePickerMetadata,
} from '../../../src/slack/create-forms/metadata.js';
import { errorsForBlocks, readForm } from '../../../src/slack/create-forms/view-state.js';
import { FUZZ_OPTIONS, FUZZ_RUNS } from './fuzz-settings.js';

/**
 * Every view submission the bot parses, fuzzed with generated `view.state.values` (what Slack sends
 * for a modal's inputs): the four create forms (OMS task and task group, NCP policy, UpCloud job)
 * and the connect form, plus the `private_metadata` decoders. 0 unhandled errors; every refusal
 * names its field with a specific message; whatever is accepted passes the provider's own schema
 * and, for endpoints, the SSRF policy.
 */

const CREATE_FORMS = [
  { provider: 'huawei-oms', kind: 'task', fields: Object.keys(OMS_LABELS) },
  { provider: 'huawei-oms', kind: 'task-group', fields: Object.keys(OMS_LABELS) },
  { provider: 'ncp', kind: 'policy', fields: Object.keys(NCP_LABELS) },
  { provider: 'upcloud', kind: 'job', fields: Object.keys(UPCLOUD_LABELS) },
] as const;

const CONNECT_BLOCKS = connectBlockIds();

/** Values users type or pick, hostile ones and noise. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  fc.constantFrom(
    'AWS',
    'Aliyun',
    'Tencent',
    'URLSource',
    'Google',
    'prefix',
    'object',
    'list',
    'url_list',
    'PREFIX',
    'cn-north-4',
    'ap-southeast-1',
    'us-east-1',
    'KR',
    'src-bucket',
    'dst-bucket',
    '__error',
    'photos/\nlogs/',
    'lists/objects.txt',
    '/leading-slash',
    'bucket/',
    '00:00-06:00=200MB/s',
    '00:00-06:00=200MB/s\n22:00-23:00=50MB/s',
    '25:00-06:00=9999MB/s',
    'huawei-oms',
    'ncp',
    'upcloud',
    'aksk',
    'token',
    'bearer',
    'basic',
    'hw-prod',
    'Bad Name!',
    '0215ef11e49d4743be23dd97a156aaaa',
    '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
    'HPUAL7YFH2XXXXXXXXXX',
    'secret key with spaces',
    'https://oms.cn-north-4.myhuaweicloud.com',
    'https://iam.myhuaweicloud.com',
    'https://objectmigration.apigw.ntruss.com',
    'https://api.upcloud.com',
    'http://169.254.169.254/latest/meta-data',
    'https://oms.cn-north-4.myhuaweicloud.com.evil.example',
    'https://127.0.0.1:6379',
    'file:///etc/passwd',
    '{"type": "service_account", "private_key": "k", "client_email": "a@b"}',
    '<!channel> *bold* <@U0ADMIN>',
    'STANDARD',
    'MEDIUM',
    'C0FAKE001',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Slack's longest plain-text input is 3,000 characters.
  fc.string({ minLength: 200, maxLength: 3_000, size: 'xsmall' }),
);

const input = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('plain_text_input'), value: fc.option(text) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constantFrom('static_select', 'external_select'),
      selected_option: fc.option(
        fc.record({ value: text, text: fc.record({ type: fc.constant('plain_text'), text }) }),
      ),
    }),
  },
  fc.record({ type: fc.constant('conversations_select'), selected_conversation: fc.option(text) }),
  fc.record({ type: fc.constant('channels_select'), selected_channel: fc.option(text) }),
  // Shapes Slack never sends: numbers for strings, arrays, nesting, missing type.
  fc.record({ type: fc.string({ maxLength: 8 }), value: fc.anything() }, { requiredKeys: [] }),
  fc.record({ selected_option: fc.anything() }),
  fc.anything(),
);

const blockId = (known: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    fc.constantFrom(...known).map((b) => `${b}.${['AWS', 'Aliyun', 'x'][b.length % 3]}`),
    fc.string({ maxLength: 12 }),
  );

const stateValues = (known: readonly string[]) =>
  fc.oneof(
    {
      weight: 9,
      arbitrary: fc.dictionary(
        blockId(known),
        fc.dictionary(fc.string({ maxLength: 10 }), input, { minKeys: 1, maxKeys: 2 }),
        { maxKeys: known.length + 3 },
      ),
    },
    fc.anything(),
  );

const ALL_CREATE_FIELDS = [...new Set(CREATE_FORMS.flatMap((f) => f.fields)), 'result_channel'];

/** Forms as a user fills them in correctly; `nearly` keeps most fields and breaks or drops the rest. */
const VALID_CREATE: Record<string, string>[] = [
  {
    task_type: 'prefix',
    src_cloud: 'AWS',
    src_region: 'us-east-1',
    src_bucket: 'src-bucket',
    src_objects: 'photos/\nlogs/',
    dst_region: 'cn-north-4',
    dst_bucket: 'dst-bucket',
    dst_prefix: 'from-aws',
    description: 'photos to OBS',
    bandwidth: '00:00-06:00=200MB/s',
  },
  {
    task_type: 'PREFIX',
    src_cloud: 'Aliyun',
    src_region: 'cn-hangzhou',
    src_bucket: 'src',
    src_objects: 'a/',
    dst_region: 'cn-north-4',
    dst_bucket: 'dst',
  },
  {
    title: 'policy-1',
    src_csp: 'AWS',
    src_region: 'ap-southeast-2',
    src_bucket: 'src-bucket',
    dst_bucket: 'dst-bucket',
    dst_prefix: 'in/',
  },
  {
    name: 'job-1',
    src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
    src_region: 'eu-central-1',
    src_bucket: 'src',
    dst_bucket: 'dst',
  },
];
const VALID_CONNECT: Record<string, string>[] = [
  {
    provider: 'huawei-oms',
    name: 'hw-prod',
    'endpoint.huawei-oms': 'https://oms.cn-north-4.myhuaweicloud.com',
    project_id: '0215ef11e49d4743be23dd97a156aaaa',
    'auth_type.huawei-oms': 'aksk',
    access_key: 'HPUAL7YFH2XXXXXXXXXX',
    secret_key: 'secret-key-00000000000',
    src_name: 'aws-src',
    src_access_key: 'AKIASOURCE0000000001',
    src_secret_key: 'source-secret-000000',
  },
  {
    provider: 'huawei-oms',
    name: 'hw-iam',
    'endpoint.huawei-oms': 'http://127.0.0.1:8443',
    project_id: '0215ef11e49d4743be23dd97a156aaaa',
    'auth_type.huawei-oms': 'token',
    iam_endpoint: 'https://iam.myhuaweicloud.com',
    iam_user: 'ops',
    iam_password: 'iam-password-000',
    iam_domain: 'acme',
  },
  {
    provider: 'ncp',
    name: 'ncp-kr',
    'endpoint.ncp': 'https://objectmigration.apigw.ntruss.com',
    region: 'KR',
    'auth_type.ncp': 'aksk',
    access_key: 'NCPACCESSKEY0000001',
    secret_key: 'ncp-secret-0000000',
  },
  {
    provider: 'upcloud',
    name: 'up-fi',
    'endpoint.upcloud': 'https://api.upcloud.com',
    service_id: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
    'auth_type.upcloud': 'bearer',
    api_token: 'ucat_0123456789abcdef0123',
  },
];

const nearly = (bases: Record<string, string>[]) =>
  fc
    .constantFrom(...bases)
    .chain((base) =>
      fc.record(
        Object.fromEntries(
          Object.entries(base).map(([field, value]) => [
            field,
            fc.oneof(
              { weight: 12, arbitrary: fc.constant<string | undefined>(value) },
              fc.constant(undefined),
              text,
            ),
          ]),
        ),
      ),
    )
    .map((fields) =>
      Object.fromEntries(
        Object.entries(fields)
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => [field, { input: { type: 'plain_text_input', value } }]),
      ),
    );

/** Plain checks inside the properties (millions of them: `expect` is too slow there). */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** A refusal a user can act on: which field, and why, in words. */
function expectSpecific(message: string): void {
  check(
    typeof message === 'string' &&
      message.length >= 10 &&
      message.length <= 2_000 &&
      !/\[object |\bundefined\b|\bNaN\b/.test(message),
    `not a specific message: ${JSON.stringify(message)}`,
  );
}

const metadataText = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));

describe(`view submissions, fuzzed (${FUZZ_RUNS.toLocaleString('en-US')} generated states each)`, () => {
  it('create forms: every state is a request the provider schema accepts, or field errors on fields of that form', () => {
    const counts = { accepted: 0, refused: 0, fieldErrors: 0 };
    fc.assert(
      fc.property(
        fc.oneof(stateValues(ALL_CREATE_FIELDS), nearly(VALID_CREATE)),
        fc.anything(),
        (values, metadata) => {
          const { values: read, blockIds } = readForm({ values });
          for (const form of CREATE_FORMS) {
            const fields = form.fields as readonly string[];
            const result = requestFromForm(form.provider, form.kind, read);
            if (result.ok) {
              counts.accepted++;
              validateCreateRequest(form.provider, form.kind, result.request); // throws if not
              continue;
            }
            counts.refused++;
            const entries = Object.entries(result.errors);
            check(entries.length > 0, 'refused without a field error');
            for (const [field, message] of entries) {
              counts.fieldErrors++;
              check(fields.includes(field), `error on ${field}, not a field of the form`);
              expectSpecific(message);
            }
            // What goes back to Slack: keyed by the block ids that were submitted (or the field name).
            for (const key of Object.keys(errorsForBlocks(result.errors, blockIds)))
              check(
                key === blockIds[key.split('.')[0]!] || fields.includes(key),
                `error sent back on ${key}, not a submitted block`,
              );
          }
          // private_metadata: decoded or refused with the "open it again" message, nothing else.
          for (const decode of [decodeFormMetadata, decodePickerMetadata]) {
            try {
              decode(metadataText(metadata));
            } catch (error) {
              check(
                error instanceof InvalidInputError && error.message.includes('Open it again'),
                `metadata refused with ${String(error)}`,
              );
            }
          }
        },
      ),
      FUZZ_OPTIONS,
    );
    console.log(
      `create forms: ${FUZZ_RUNS} states × 4 forms: ${counts.accepted} accepted, ${counts.refused} refused with ${counts.fieldErrors} field errors, 0 unhandled`,
    );
    expect(counts.accepted).toBeGreaterThan(0);
  }, 600_000);

  it('connect form: a connection on an allowed endpoint, or errors on the form’s own blocks, never a throw', () => {
    const allowList = ['http://127.0.0.1:8443'];
    const counts = { accepted: 0, refused: 0, fieldErrors: 0 };
    fc.assert(
      fc.property(
        fc.oneof(stateValues(CONNECT_BLOCKS), nearly(VALID_CONNECT)),
        fc.anything(),
        (values, metadata) => {
          const parsed = parseConnectForm(values as StateValues, 'T0FAKE001', allowList);
          check(typeof decodeConnectMetadata(metadataText(metadata)) === 'object', 'metadata not decoded');
          if (parsed.ok) {
            counts.accepted++;
            const c = parsed.connection;
            check(CONNECTION_NAME.test(c.name) && c.team === 'T0FAKE001', `accepted name ${c.name}`);
            // SSRF: whatever endpoint is accepted is a documented host of the provider or allow-listed.
            check(checkEndpoint(c.provider, 'api', c.endpoint, allowList).ok, `accepted ${c.endpoint}`);
            if (c.auth.type === 'token')
              check(
                checkEndpoint(c.provider, 'iam', c.auth.iamEndpoint, allowList).ok,
                'accepted IAM endpoint',
              );
            return;
          }
          counts.refused++;
          const entries = Object.entries(parsed.errors);
          check(entries.length > 0, 'refused without a field error');
          for (const [block, message] of entries) {
            counts.fieldErrors++;
            check(CONNECT_BLOCKS.includes(block), `error on ${block}, not a block of the form`);
            expectSpecific(message);
          }
        },
      ),
      FUZZ_OPTIONS,
    );
    console.log(
      `connect form: ${FUZZ_RUNS} states: ${counts.accepted} accepted, ${counts.refused} refused with ${counts.fieldErrors} field errors, 0 unhandled`,
    );
    expect(counts.accepted).toBeGreaterThan(0);
  }, 600_000);
});
