import { type TrustStore } from '../../connectors/driver';
import { ServerIdentityError, serverOfIdentityKey } from '../../connectors/server-identity';
import { envNameOfOption } from '../../shared/connectors/connector-descriptor';
import { type FileTrustStore } from './file-trust-store';

/** The option that pins a server identity, per connector kind (for the "pin it with" advice). */
const PIN_OPTION: Readonly<Record<string, string>> = {
  sftp: 'hostKeyFingerprint',
  ftps: 'certificateFingerprint',
};

/** How the CLI trusts a server identity on first use, for one connector. */
export interface CliTrustPolicy {
  /** The connector's name, as configured (for the environment variable to pin with). */
  readonly connector: string;
  readonly kind: string;
  /** False with `--no-tofu` or FERRY_NO_TOFU=1: an identity never seen before is refused. */
  readonly tofu: boolean;
  /** Where the notice of a newly trusted identity goes (stderr). */
  readonly notice: (line: string) => void;
}

/**
 * The known-hosts file seen by one connector: trusting a new identity is never silent (the fingerprint and where
 * it was saved are printed), and with trust on first use turned off a new identity is refused with how to pin it.
 */
export class CliTrustStore implements TrustStore {
  constructor(
    private readonly file: FileTrustStore,
    private readonly policy: CliTrustPolicy,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.file.get(key);
  }

  async set(key: string, fingerprint: string): Promise<void> {
    const { kind, server } = serverOfIdentityKey(key);
    const what = kind === 'sftp' ? 'SSH host key' : 'TLS certificate';
    const option = PIN_OPTION[this.policy.kind] ?? 'hostKeyFingerprint';
    const pinWith = `FERRY_CONNECTOR_${this.policy.connector.toUpperCase()}_${envNameOfOption(option)}`;
    if (!this.policy.tofu) {
      throw new ServerIdentityError(
        what,
        'unknown',
        fingerprint,
        undefined,
        `unknown ${what}s are refused: --no-tofu or FERRY_NO_TOFU`,
        {
          hint:
            `Compare ${fingerprint} with the one the server's administrator gives you, then pin it with ` +
            `${pinWith}=${fingerprint} (or "${option}" in the config file).`,
        },
      );
    }
    await this.file.set(key, fingerprint);
    this.policy.notice(
      `Trusted new ${what} for ${server} on first use: ${fingerprint} (saved in ${this.file.path}; pin it with ` +
        `${pinWith}, or refuse unknown keys with --no-tofu)`,
    );
  }
}
