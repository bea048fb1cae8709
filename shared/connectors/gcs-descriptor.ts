import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** Google Cloud Storage: a bucket (or a folder in it) reached with a service account. */
export const gcsDescriptor = defineDescriptor({
  kind: 'gcs',
  label: 'Google Cloud Storage',
  description: 'A bucket (or a folder in it) in Google Cloud Storage, reached with a service account key.',
  options: {
    bucket: {
      type: 'string',
      label: 'Bucket',
      help: 'Name of the bucket.',
      required: true,
      pattern: '^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$',
      examples: ['exchange-data'],
    },
    prefix: {
      type: 'string',
      label: 'Folder in the bucket',
      help: 'Object name prefix this connector works in; empty for the whole bucket. Nothing outside it is used.',
      required: false,
      default: '',
      examples: ['incoming'],
    },
    serviceAccountJson: {
      type: 'string',
      label: 'Service account key (JSON)',
      help: 'Contents of the JSON key file of a service account (IAM & Admin > Service accounts > Keys) with access to the bucket.',
      required: true,
      secret: true,
      multiline: true,
      contents: 'json',
      examples: ['{"type":"service_account","project_id":"...","private_key":"...","client_email":"..."}'],
    },
    apiEndpoint: {
      type: 'string',
      label: 'API endpoint',
      help: 'Base URL of the Cloud Storage JSON API, for private service connect or a local test server. Empty: https://storage.googleapis.com.',
      required: false,
      advanced: true,
      pattern: '^https?://[^\\s/]+$',
    },
    simpleUploadThresholdMiB: {
      type: 'integer',
      label: 'Simple upload threshold (MiB)',
      help: 'Files up to this size are sent in one request; larger ones (and streams of unknown size) use resumable uploads.',
      required: false,
      advanced: true,
      min: 0,
      max: 1024,
      default: 8,
    },
    chunkSizeMiB: {
      type: 'integer',
      label: 'Resumable chunk size (MiB)',
      help: 'Size of the chunks of resumable uploads (a multiple of 256 KiB); a lost connection re-sends at most one chunk.',
      required: false,
      advanced: true,
      min: 1,
      max: 1024,
      default: 8,
    },
  },
});

/** Validated options of a Google Cloud Storage connector. */
export type GcsOptions = OptionsOf<typeof gcsDescriptor.options>;
