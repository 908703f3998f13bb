import type { ProviderDefinition } from '../definition.js';
import { joinPath } from '../shared-fields.js';
import { upcloudCatalogue } from './catalogue.js';
import { UPCLOUD_LABELS, upcloudRequestFromForm } from './create-form.js';
import { createUpCloudProvider } from './index.js';
import { type UpCloudCreateJobRequest, upcloudCreateJobRequestSchema } from './schemas.js';
import { UPCLOUD_WORDS } from './words.js';

const LABEL = 'UpCloud migration job';

/** UpCloud Managed Object Storage: data-migration jobs; signs in with an API token or user. */
export const upcloudDefinition: ProviderDefinition = {
  id: 'upcloud',
  words: UPCLOUD_WORDS,
  catalogue: upcloudCatalogue,
  label: 'UpCloud Managed Object Storage',
  shortName: 'UpCloud',
  kinds: ['job'],
  connect: {
    endpoint: {
      pattern: /^api\.upcloud\.com$/,
      example: 'https://api.upcloud.com',
      default: 'https://api.upcloud.com',
    },
    fields: [
      {
        key: 'serviceId',
        block: 'service_id',
        label: 'Object Storage service UUID',
        what: 'service UUID',
        placeholder: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
        maxLength: 64,
        check: {
          type: 'pattern',
          pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
          message:
            'The service UUID looks like 1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f (Object Storage → your service).',
        },
      },
    ],
    authChoices: [
      {
        type: 'bearer',
        label: 'API token',
        fields: [
          {
            key: 'token',
            block: 'api_token',
            label: 'API token',
            what: 'API token',
            maxLength: 1024,
            secret: true,
            check: { type: 'secret', min: 16 },
          },
        ],
      },
      {
        type: 'basic',
        label: 'Username and password',
        fields: [
          {
            key: 'username',
            block: 'username',
            label: 'API user name',
            what: 'API user name',
            maxLength: 128,
          },
          {
            key: 'password',
            block: 'password',
            label: 'API password',
            what: 'API password',
            maxLength: 256,
            secret: true,
          },
        ],
      },
    ],
    storage: { destination: false, serviceAccountJson: false },
    fileRequires: ['serviceId'],
    notFoundField: 'service_id',
  },
  createForms: [
    {
      kind: 'job',
      label: LABEL,
      title: 'New UpCloud job',
      intro: (connection) =>
        `A new *data-migration job* on ${connection}. The source bucket keys come from the connection.`,
      items: () => [
        { type: 'text', field: 'name', label: UPCLOUD_LABELS.name, maxLength: 255 },
        {
          type: 'text',
          field: 'src_endpoint',
          label: UPCLOUD_LABELS.src_endpoint,
          placeholder: 'https://s3.eu-central-1.amazonaws.com',
        },
        { type: 'text', field: 'src_region', label: UPCLOUD_LABELS.src_region, placeholder: 'eu-central-1' },
        { type: 'text', field: 'src_bucket', label: UPCLOUD_LABELS.src_bucket },
        { type: 'text', field: 'src_prefix', label: UPCLOUD_LABELS.src_prefix, optional: true },
        { type: 'text', field: 'dst_bucket', label: UPCLOUD_LABELS.dst_bucket },
        { type: 'text', field: 'dst_prefix', label: UPCLOUD_LABELS.dst_prefix, optional: true },
      ],
      labels: UPCLOUD_LABELS,
      toRequest: upcloudRequestFromForm,
      schema: upcloudCreateJobRequestSchema,
      // Seed 001: UpCloud reports a job's state only: it lists no objects and documents no limit.
      preflight: (_request, connection) => ({
        unknownSize: 'no-listing',
        region: connection.region,
        activeStates: ['queued', 'running'],
        warnings: [],
      }),
      summarize: (request) => {
        const r = request as UpCloudCreateJobRequest;
        return {
          what: LABEL,
          name: r.name,
          source: `${r.sourceEndpoint} ${r.sourceRegion} · ${joinPath(r.sourceBucket, r.sourcePrefix)}`,
          destination: `UpCloud Object Storage · ${joinPath(r.targetBucket, r.targetPrefix)}`,
          details: [],
        };
      },
      facts: (request) => {
        const r = request as UpCloudCreateJobRequest;
        return {
          sourceBucket: r.sourceBucket,
          sourcePrefix: r.sourcePrefix,
          destinationBucket: r.targetBucket,
          destinationPrefix: r.targetPrefix,
        };
      },
    },
  ],
  reruns: { kinds: ['job'], what: 'again' },
  runsToEnd: true,
  create: createUpCloudProvider,
};
