// The offer storage as the CLI reads it: --offer-files <dir>, or an S3 bucket from flags and FERRY_OFFER_S3_* variables.
import path from 'node:path';
import { envNameOfOption, optionsSchemaOf } from '../../shared/connectors/connector-descriptor';
import { s3Descriptor } from '../../shared/connectors/s3-descriptor';
import type { OfferStorageSetting } from '../offers/offer-storage';

/** The environment variables' prefix: FERRY_OFFER_S3_BUCKET, FERRY_OFFER_S3_SECRET_ACCESS_KEY, ... */
export const OFFER_S3_ENV_PREFIX = 'FERRY_OFFER_S3_';

// The S3 options a flag may give; credentials only ever come from the environment (never in `ps` or shell history).
const S3_FLAGS = ['bucket', 'endpoint', 'region', 'prefix', 'provider'] as const;

/** parseArgs definitions of the offer storage flags (spread into the CLI's options). */
export const OFFER_STORAGE_ARGS = {
  'offer-files': { type: 'string' },
  'offer-files-s3-bucket': { type: 'string' },
  'offer-files-s3-endpoint': { type: 'string' },
  'offer-files-s3-region': { type: 'string' },
  'offer-files-s3-prefix': { type: 'string' },
  'offer-files-s3-provider': { type: 'string' },
} as const;

/** The CLI help lines of the offer storage flags. */
export const OFFER_STORAGE_HELP = `  --offer-files <dir>     folder of offer files and uploads in progress (default <data-dir>/offer-files);
                          one machine only: several instances on one PostgreSQL need the S3 storage below
  --offer-files-s3-bucket <b>  keep offer files in this S3 bucket instead, shared by every instance (or env
                          FERRY_OFFER_S3_BUCKET); also --offer-files-s3-endpoint <url>, -region <r>, -prefix <p>,
                          -provider <aws|minio|...> (or FERRY_OFFER_S3_ENDPOINT, _REGION, _PREFIX, _PROVIDER);
                          credentials from the environment only: FERRY_OFFER_S3_ACCESS_KEY_ID,
                          FERRY_OFFER_S3_SECRET_ACCESS_KEY (FERRY_OFFER_S3_SESSION_TOKEN), other S3 options as
                          FERRY_OFFER_S3_<OPTION> (PATH_STYLE, COMPATIBILITY, PART_SIZE_MI_B, ...)
`;

/** The flag values the offer storage reads. */
export type OfferStorageFlags = Partial<Record<keyof typeof OFFER_STORAGE_ARGS, string | undefined>>;

/**
 * The offer storage the flags and environment ask for: S3 when a bucket is named (every S3 option from
 * `FERRY_OFFER_S3_<OPTION>`, the non-secret ones also from flags, which win), else the `--offer-files` folder, else
 * nothing (startPlatform's default). Invalid S3 options throw with the offending option named.
 */
export function offerStorageFromCli(
  flags: OfferStorageFlags,
  env: NodeJS.ProcessEnv = process.env,
): OfferStorageSetting | undefined {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(s3Descriptor.options)) {
    const value = env[`${OFFER_S3_ENV_PREFIX}${envNameOfOption(name)}`];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  for (const name of S3_FLAGS) {
    const value = flags[`offer-files-s3-${name}`];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  if (raw.bucket === undefined) {
    const folder = flags['offer-files'];
    return folder ? { kind: 'local', folder: path.resolve(folder) } : undefined;
  }
  if (flags['offer-files']) throw new Error('give either --offer-files or an S3 bucket for offer files, not both');
  // An endpoint without a provider is some S3-compatible store, not AWS.
  if (raw.provider === undefined && raw.endpoint !== undefined) raw.provider = 'other';
  const parsed = optionsSchemaOf(s3Descriptor).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return `${OFFER_S3_ENV_PREFIX}${envNameOfOption(name)}: ${issue.message}`;
    });
    throw new Error(`the S3 offer storage is not valid: ${problems.join('; ')}`);
  }
  return { kind: 's3', options: parsed.data };
}
