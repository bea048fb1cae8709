import { type S3Options, type S3Provider } from '../../shared/connectors/s3-descriptor';
import { assertNever } from '../../shared/assert-never';
import { ConnectorError } from '../connector-error';

/** What a provider profile decides when the user leaves an option empty. */
interface ProviderProfile {
  readonly label: string;
  readonly defaultRegion: string;
  /** Endpoint for a region, or undefined when the SDK's own (AWS) or the user's endpoint applies. */
  readonly endpoint?: (region: string) => string;
  /** The user must give an endpoint (it contains an account or host only they know). */
  readonly endpointRequired: boolean;
  readonly pathStyle: boolean;
  /** Checksums only where the API requires them, Content-MD5 instead of the SDK's CRC defaults. */
  readonly compatible: boolean;
}

// Stores other than AWS and MinIO rejected or mis-stored the SDK's 2025 default CRC checksums (aws-chunked
// trailers), so their profiles start in compatible mode.
const PROFILES: { readonly [P in S3Provider]: ProviderProfile } = {
  aws: { label: 'Amazon S3', defaultRegion: 'us-east-1', endpointRequired: false, pathStyle: false, compatible: false },
  minio: { label: 'MinIO', defaultRegion: 'us-east-1', endpointRequired: true, pathStyle: true, compatible: false },
  wasabi: {
    label: 'Wasabi',
    defaultRegion: 'us-east-1',
    endpoint: (r) => `https://s3.${r}.wasabisys.com`,
    endpointRequired: false,
    pathStyle: false,
    compatible: true,
  },
  r2: { label: 'Cloudflare R2', defaultRegion: 'auto', endpointRequired: true, pathStyle: true, compatible: true },
  b2: {
    label: 'Backblaze B2',
    defaultRegion: 'us-west-004',
    endpoint: (r) => `https://s3.${r}.backblazeb2.com`,
    endpointRequired: false,
    pathStyle: false,
    compatible: true,
  },
  ovh: {
    label: 'OVHcloud',
    defaultRegion: 'gra',
    endpoint: (r) => `https://s3.${r}.io.cloud.ovh.net`,
    endpointRequired: false,
    pathStyle: false,
    compatible: true,
  },
  scaleway: {
    label: 'Scaleway',
    defaultRegion: 'fr-par',
    endpoint: (r) => `https://s3.${r}.scw.cloud`,
    endpointRequired: false,
    pathStyle: false,
    compatible: true,
  },
  other: {
    label: 'S3-compatible store',
    defaultRegion: 'us-east-1',
    endpointRequired: true,
    pathStyle: true,
    compatible: true,
  },
};

/** The effective connection settings of an S3 connector, after the provider profile filled the gaps. */
export interface S3Settings {
  readonly providerLabel: string;
  readonly region: string;
  /** Undefined: the SDK's AWS endpoint for the region. */
  readonly endpoint: string | undefined;
  readonly pathStyle: boolean;
  readonly compatible: boolean;
}

/** Applies the provider profile's defaults to the options the user left empty. */
export function resolveS3Settings(
  options: Pick<S3Options, 'provider' | 'region' | 'endpoint' | 'pathStyle' | 'compatibility'>,
): S3Settings {
  const profile = PROFILES[options.provider];
  const region = options.region !== undefined && options.region !== '' ? options.region : profile.defaultRegion;
  const endpoint =
    options.endpoint !== undefined && options.endpoint !== '' ? options.endpoint : profile.endpoint?.(region);
  if (endpoint === undefined && profile.endpointRequired) {
    throw new ConnectorError('InvalidInput', `${profile.label} needs an endpoint URL.`, {
      hint:
        options.provider === 'r2'
          ? 'Use https://<account id>.r2.cloudflarestorage.com (Cloudflare dashboard > R2 > S3 API).'
          : 'Enter the URL of the S3 API, e.g. https://storage.example.com:9000.',
    });
  }
  return {
    providerLabel: profile.label,
    region,
    endpoint,
    pathStyle: options.pathStyle ?? profile.pathStyle,
    compatible: compatibleMode(options.compatibility, profile),
  };
}

function compatibleMode(mode: S3Options['compatibility'], profile: ProviderProfile): boolean {
  switch (mode) {
    case 'auto':
      return profile.compatible;
    case 'modern':
      return false;
    case 'compatible':
      return true;
    default:
      return assertNever(mode, 'compatibility mode');
  }
}
