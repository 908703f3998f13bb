import type { CreateFormDefinition, ProviderDefinition } from '../definition.js';
import { ACCESS_KEY_FIELDS } from '../shared-fields.js';
import { omsCatalogue } from './catalogue.js';
import { OMS_LABELS, type OmsCreateKind, omsRequestFromForm } from './create-form.js';
import { checkOmsPrefixes, loadOmsForm, omsFormItems } from './create-form-items.js';
import { createHuaweiOmsProvider } from './index.js';
import { omsPreflight } from './preflight.js';
import { LIMITS, omsCreateTaskGroupRequestSchema, omsCreateTaskRequestSchema } from './schemas.js';
import { omsFacts, summarizeOms } from './summary.js';
import { OMS_WORDS } from './words.js';

const REGION = '[a-z]{2}-[a-z]+-\\d{1,2}';

function omsForm(kind: OmsCreateKind, label: string, title: string, what: string): CreateFormDefinition {
  return {
    kind,
    label,
    title,
    intro: (connection) =>
      `A new *${what}* on ${connection}. Bucket keys come from the connection: ` +
      'nothing secret is typed here. An approver reviews the request before it is created.',
    load: loadOmsForm,
    items: (context) => omsFormItems(kind, context),
    labels: OMS_LABELS,
    toRequest: (values) => omsRequestFromForm(kind, values),
    schema: kind === 'task' ? omsCreateTaskRequestSchema : omsCreateTaskGroupRequestSchema,
    check: checkOmsPrefixes,
    preflight: (request, connection) => omsPreflight(kind, request, connection),
    bucketQuery: (values) =>
      values.src_cloud
        ? { ok: true, query: { cloud: values.src_cloud } }
        : { ok: false, message: 'Pick the source cloud first' },
    summarize: (request) => summarizeOms(label, request),
    facts: omsFacts,
  };
}

/** Huawei Cloud OMS: tasks, task groups and synchronization tasks; signs in with AK/SK or IAM. */
export const huaweiOmsDefinition: ProviderDefinition = {
  id: 'huawei-oms',
  words: OMS_WORDS,
  catalogue: omsCatalogue,
  label: 'Huawei Cloud OMS',
  shortName: 'Huawei OMS',
  aliases: ['oms', 'huawei', 'hw'],
  kinds: ['task', 'task-group', 'sync-task'],
  connect: {
    endpoint: {
      pattern: new RegExp(`^oms\\.${REGION}\\.myhuaweicloud\\.com$`),
      example: 'https://oms.cn-north-4.myhuaweicloud.com',
    },
    iamEndpoint: {
      pattern: new RegExp(`^iam(\\.${REGION})?\\.myhuaweicloud\\.com$`),
      example: 'https://iam.myhuaweicloud.com',
      default: 'https://iam.myhuaweicloud.com',
      name: 'Huawei IAM',
    },
    fields: [
      {
        key: 'projectId',
        block: 'project_id',
        label: 'Project id',
        what: 'project id',
        placeholder: '0215ef11e49d4743be23dd97a156xxxx',
        hint: 'Console → My Credentials → API Credentials → Projects (the project or sub-project id)',
        // Seed 002: project_id is 1 to 1,024 characters (every path parameter table), and its own
        // example (§5.3.1) is a UUID with hyphens, so no length or alphabet of one console is assumed.
        // It is a path segment and a header (X-Project-Id, Table 3-3): `LIMITS.projectId` says how.
        maxLength: 1024,
        check: {
          type: 'pattern',
          pattern: LIMITS.projectId,
          message:
            'A Huawei project id is 1 to 1,024 letters, digits or signs, without spaces or / ? # %, and not . or .. (My Credentials → Projects).',
        },
      },
    ],
    authChoices: [
      {
        type: 'aksk',
        label: 'Access key (AK/SK)',
        fields: [
          ...ACCESS_KEY_FIELDS,
          {
            key: 'securityToken',
            block: 'security_token',
            label: 'Security token',
            what: 'security token',
            hint: 'Only for temporary credentials.',
            optional: true,
            maxLength: 3000,
            secret: true,
          },
        ],
      },
      {
        type: 'token',
        label: 'IAM user and password',
        fields: [
          {
            key: 'iamEndpoint',
            block: 'iam_endpoint',
            label: 'IAM endpoint',
            what: 'IAM endpoint',
            maxLength: 200,
            initial: 'https://iam.myhuaweicloud.com',
            check: { type: 'iam-endpoint' },
          },
          { key: 'user', block: 'iam_user', label: 'IAM user name', what: 'IAM user name', maxLength: 64 },
          {
            key: 'password',
            block: 'iam_password',
            label: 'IAM password',
            what: 'IAM password',
            maxLength: 256,
            secret: true,
          },
          {
            key: 'domain',
            block: 'iam_domain',
            label: 'Account (domain) name',
            what: 'account (domain) name',
            maxLength: 64,
          },
        ],
      },
    ],
    storage: { destination: true, serviceAccountJson: true },
    fileRequires: ['projectId'],
    notFoundField: 'project_id',
  },
  createForms: [
    omsForm('task', 'OMS migration task', 'New OMS task', 'migration task'),
    omsForm('task-group', 'OMS task group', 'New OMS task group', 'task group'),
  ],
  reruns: { kinds: ['task'], what: 'since' },
  create: createHuaweiOmsProvider,
};
