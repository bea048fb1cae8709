import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** S3 providers with known defaults (endpoint, addressing, checksum compatibility). */
export const S3_PROVIDERS = ['aws', 'minio', 'wasabi', 'r2', 'b2', 'ovh', 'scaleway', 'other'] as const;

/** An S3 provider profile name. */
export type S3Provider = (typeof S3_PROVIDERS)[number];

/** Amazon S3 and S3-compatible object stores. */
export const s3Descriptor = defineDescriptor({
  kind: 's3',
  label: 'Amazon S3 / S3-compatible',
  description:
    'A bucket (or a folder in it) on Amazon S3 or an S3-compatible store: MinIO, Wasabi, Cloudflare R2, Backblaze B2, OVHcloud, Scaleway, Ceph, OpenStack Swift.',
  options: {
    provider: {
      type: 'enum',
      label: 'Provider',
      help: 'Sets sane defaults for the endpoint, addressing style and checksum compatibility of that provider.',
      required: false,
      values: [
        { value: 'aws', label: 'Amazon S3' },
        { value: 'minio', label: 'MinIO' },
        { value: 'wasabi', label: 'Wasabi' },
        { value: 'r2', label: 'Cloudflare R2' },
        { value: 'b2', label: 'Backblaze B2' },
        { value: 'ovh', label: 'OVHcloud' },
        { value: 'scaleway', label: 'Scaleway' },
        { value: 'other', label: 'Other S3-compatible' },
      ],
      default: 'aws',
    },
    bucket: {
      type: 'string',
      label: 'Bucket',
      help: 'Name of the bucket.',
      required: true,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$',
      examples: ['exchange-data'],
    },
    prefix: {
      type: 'string',
      label: 'Folder in the bucket',
      help: 'Key prefix this connector works in (e.g. "incoming/2024"); empty for the whole bucket. Nothing outside it is used.',
      required: false,
      default: '',
      examples: ['incoming', 'team-a/exports'],
    },
    region: {
      type: 'string',
      label: 'Region',
      help: 'Region of the bucket, e.g. eu-west-1 (AWS), fr-par (Scaleway), gra (OVHcloud), auto (R2). Empty: the profile default.',
      required: false,
      examples: ['eu-west-1', 'us-east-1'],
    },
    endpoint: {
      type: 'string',
      label: 'Endpoint',
      help: 'URL of the S3 API, for providers other than AWS (e.g. https://<account>.r2.cloudflarestorage.com). Empty: the profile default.',
      required: false,
      pattern: '^https?://[^\\s/]+(/.*)?$',
      examples: ['https://minio.example.com:9000', 'https://s3.eu-central-003.backblazeb2.com'],
    },
    accessKeyId: {
      type: 'string',
      label: 'Access key ID',
      help: 'The access key ID of an IAM user or a provider key (the public half).',
      required: true,
      examples: ['AKIAIOSFODNN7EXAMPLE'],
    },
    secretAccessKey: {
      type: 'string',
      label: 'Secret access key',
      help: 'The secret belonging to the access key ID.',
      required: true,
      secret: true,
    },
    sessionToken: {
      type: 'string',
      label: 'Session token',
      help: 'For temporary credentials (AWS STS, SSO): the session token given with them.',
      required: false,
      advanced: true,
      secret: true,
    },
    pathStyle: {
      type: 'boolean',
      label: 'Path-style addressing',
      help: 'Put the bucket in the URL path (https://host/bucket/key) instead of the host name. Empty: the profile default.',
      required: false,
      advanced: true,
    },
    compatibility: {
      type: 'enum',
      label: 'Checksum compatibility',
      help:
        'Modern: the SDK adds CRC checksums to every upload (AWS, MinIO). Compatible: checksums only where the API requires them, ' +
        'Content-MD5 instead, for stores that reject the modern ones. Auto: the profile default.',
      required: false,
      advanced: true,
      values: [
        { value: 'auto', label: 'Provider default' },
        { value: 'modern', label: 'Modern checksums' },
        { value: 'compatible', label: 'Compatible (Content-MD5)' },
      ],
      default: 'auto',
    },
    serverSideEncryption: {
      type: 'enum',
      label: 'Server-side encryption',
      help: 'Ask the store to encrypt new objects: S3-managed keys (AES256) or a KMS key.',
      required: false,
      advanced: true,
      values: [
        { value: 'none', label: 'Bucket default' },
        { value: 'AES256', label: 'S3-managed keys (SSE-S3)' },
        { value: 'aws:kms', label: 'KMS key (SSE-KMS)' },
      ],
      default: 'none',
    },
    kmsKeyId: {
      type: 'string',
      label: 'KMS key',
      help: 'ARN or ID of the KMS key for SSE-KMS; empty: the account default key.',
      required: false,
      advanced: true,
    },
    partSizeMiB: {
      type: 'integer',
      label: 'Part size (MiB)',
      help: 'Size of the parts of multipart uploads; larger files use larger parts automatically (10,000 parts at most).',
      required: false,
      advanced: true,
      min: 5,
      max: 5120,
      default: 8,
    },
    uploadConcurrency: {
      type: 'integer',
      label: 'Parallel parts',
      help: 'How many parts of one file are uploaded at the same time.',
      required: false,
      advanced: true,
      min: 1,
      max: 16,
      default: 4,
    },
  },
});

/** Validated options of an S3 connector. */
export type S3Options = OptionsOf<typeof s3Descriptor.options>;
