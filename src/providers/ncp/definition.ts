import type { ProviderDefinition } from '../definition.js';
import { ACCESS_KEY_FIELDS, joinPath } from '../shared-fields.js';
import { ncpCatalogue } from './catalogue.js';
import { NCP_LABELS, ncpRequestFromForm } from './create-form.js';
import { createNcpProvider } from './index.js';
import {
  NCP_SOURCE_CSP_TYPES,
  type NcpCreatePolicyRequest,
  ncpCreatePolicyRequestSchema,
} from './schemas.js';
import { NCP_WORDS } from './words.js';

const LABEL = 'NCP migration policy';

/** NAVER Cloud Object Migration: migration policies; signs in with an API access key pair. */
export const ncpDefinition: ProviderDefinition = {
  id: 'ncp',
  words: NCP_WORDS,
  catalogue: ncpCatalogue,
  label: 'NAVER Cloud Object Migration',
  shortName: 'NCP Object Migration',
  aliases: ['naver', 'ncloud'],
  kinds: ['policy'],
  connect: {
    endpoint: {
      pattern: /^objectmigration\.apigw\.ntruss\.com$/,
      example: 'https://objectmigration.apigw.ntruss.com',
      default: 'https://objectmigration.apigw.ntruss.com',
    },
    fields: [
      {
        key: 'region',
        block: 'region',
        label: 'Region code',
        what: 'region code',
        placeholder: 'KR',
        hint: 'Sent as x-ncp-region_code: KR, JPN, SGN, …',
        maxLength: 16,
        check: {
          type: 'pattern',
          pattern: /^[A-Z]{2,8}$/,
          message: 'A region code is 2 to 8 capital letters, e.g. KR, JPN or SGN.',
        },
      },
    ],
    authChoices: [{ type: 'aksk', label: 'API access key pair', fields: ACCESS_KEY_FIELDS }],
    storage: { destination: false, serviceAccountJson: false },
  },
  createForms: [
    {
      kind: 'policy',
      label: LABEL,
      title: 'New NCP policy',
      intro: (connection) =>
        `A new *migration policy* on ${connection}. The source bucket keys come from the connection; ` +
        'the target region is the connection’s.',
      items: () => [
        {
          type: 'text',
          field: 'title',
          label: NCP_LABELS.title,
          hint: 'At most 100 bytes: letters, digits, ".", "-" and "_".',
        },
        {
          type: 'select',
          field: 'src_csp',
          label: NCP_LABELS.src_csp,
          options: NCP_SOURCE_CSP_TYPES.map((c) => ({ text: c, value: c })),
          initial: 'AWS',
        },
        { type: 'text', field: 'src_region', label: NCP_LABELS.src_region, placeholder: 'ap-northeast-2' },
        { type: 'text', field: 'src_bucket', label: NCP_LABELS.src_bucket },
        { type: 'text', field: 'src_prefix', label: NCP_LABELS.src_prefix, optional: true },
        { type: 'text', field: 'dst_bucket', label: NCP_LABELS.dst_bucket },
        { type: 'text', field: 'dst_prefix', label: NCP_LABELS.dst_prefix, optional: true },
      ],
      labels: NCP_LABELS,
      toRequest: ncpRequestFromForm,
      schema: ncpCreatePolicyRequestSchema,
      // Seed 000: NCP counts the source (estimatedObjectNum, estimatedSize) only once the policy exists,
      // and documents no limit on policies: nothing to list or count against before it is created.
      preflight: (_request, connection) => ({
        unknownSize: 'after-create',
        region: connection.region,
        activeStates: ['queued', 'running'],
        warnings: [],
      }),
      summarize: (request) => {
        const r = request as NcpCreatePolicyRequest;
        return {
          what: LABEL,
          name: r.title,
          source: `${r.sourceCspType} ${r.sourceRegion} · ${joinPath(r.sourceBucket, r.sourcePrefix)}`,
          destination: `NCP Object Storage · ${joinPath(r.targetBucket, r.targetPrefix)}`,
          details: [],
        };
      },
      facts: (request) => {
        const r = request as NcpCreatePolicyRequest;
        return {
          sourceBucket: r.sourceBucket,
          sourcePrefix: r.sourcePrefix,
          destinationBucket: r.targetBucket,
          destinationPrefix: r.targetPrefix,
        };
      },
    },
  ],
  reruns: { kinds: ['policy'], what: 'restart' },
  create: createNcpProvider,
};
