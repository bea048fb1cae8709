// Standalone platform server: `npx tsx platform/cli.ts [options]` (npm run platform). --help lists the options.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseSmtpUrl } from './mail/mailer';
import { startPlatform, type StartPlatformOptions } from './start-platform';
import { runVaultCommand } from './vault/vault-cli';
import { OFFER_STORAGE_ARGS, OFFER_STORAGE_HELP, offerStorageFromCli } from './uploads/offer-storage-options';

const HELP = `Ferry platform server

Commands:
  vault rotate            add a vault key version and re-wrap every secret with it (vault --help: its options)

Options:
  --port <n>              TCP port (default 8750; 0 picks a free one)
  --host <addr>           interface to listen on (default 127.0.0.1)
  --data-dir <dir>        embedded database folder (default ~/.ferry/platform)
  --in-memory             keep everything in memory (gone when the server stops)
  --database-url <url>    PostgreSQL instead of the embedded database (or env DATABASE_URL)
  --smtp-url <url>        smtp://user:pass@host:port or smtps://... (or env FERRY_SMTP_URL); none: outbox only
  --mail-from <address>   From address of e-mails (default "Ferry <ferry@localhost>")
  --public-url <url>      base URL used in links, e.g. https://ferry.example.org (or env FERRY_PUBLIC_URL);
                          its host name is answered to (default: the listening URL)
  --allowed-host <name>   another Host header value to answer, repeatable: name (any port) or name:port
                          (or env FERRY_ALLOWED_HOSTS, comma-separated); '*' answers any name: only behind a
                          proxy that checks it. Always answered: 127.0.0.1, localhost and [::1] on the port.
  --vault-key-file <f>    the vault's key file (or env FERRY_VAULT_KEY_FILE; default <data-dir>.vault-keys.json
                          beside the data folder); env FERRY_VAULT_KEY (base64 keys) wins over both. It keeps
                          connector secrets and seals invitation links and queued e-mails. With PostgreSQL,
                          set one of them (the same on every instance), else organisation connectors are refused
  --outgoing-address <ip> an address this server connects to storages from, shown to storage owners for their
                          IP filters; repeatable (or env FERRY_OUTGOING_ADDRESSES, comma-separated); default:
                          detected
  --sealing-key-file <f>  former key of invitation links (default <data-dir>/sealing.key): read if present to
                          copy links made before the vault sealed them; never used for new links
${OFFER_STORAGE_HELP}  --log-level <level>     fatal, error, warn, info, debug, trace (default info)
  --help                  this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8750' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'smtp-url': { type: 'string' },
      'mail-from': { type: 'string', default: 'Ferry <ferry@localhost>' },
      'public-url': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'sealing-key-file': { type: 'string' },
      'vault-key-file': { type: 'string' },
      'outgoing-address': { type: 'string', multiple: true },
      'log-level': { type: 'string', default: 'info' },
      ...OFFER_STORAGE_ARGS,
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, not ${values.port}`);
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  const smtpUrl = values['smtp-url'] ?? process.env.FERRY_SMTP_URL;
  const publicUrl = values['public-url'] ?? process.env.FERRY_PUBLIC_URL;
  if (publicUrl) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(publicUrl);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:')
      throw new Error(`--public-url must be an http(s) URL such as https://ferry.example.org, not ${publicUrl}`);
  }
  const allowedHosts = [...(values['allowed-host'] ?? []), ...(process.env.FERRY_ALLOWED_HOSTS ?? '').split(',')]
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const outgoingAddresses = [
    ...(values['outgoing-address'] ?? []),
    ...(process.env.FERRY_OUTGOING_ADDRESSES ?? '').split(','),
  ]
    .map((address) => address.trim())
    .filter((address) => address !== '');
  const offerStorage = offerStorageFromCli(values);
  const options: StartPlatformOptions = {
    port,
    host: values.host,
    logger: { level: values['log-level'] },
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(!databaseUrl && !values['in-memory']
      ? { dataDir: path.resolve(values['data-dir'] ?? path.join(os.homedir(), '.ferry', 'platform')) }
      : {}),
    ...(smtpUrl ? { smtp: parseSmtpUrl(smtpUrl, values['mail-from']) } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    ...(values['sealing-key-file'] ? { sealingKeyFile: path.resolve(values['sealing-key-file']) } : {}),
    ...(values['vault-key-file'] ? { vaultKeyFile: path.resolve(values['vault-key-file']) } : {}),
    ...(outgoingAddresses.length > 0 ? { outgoingAddresses } : {}),
    ...(offerStorage !== undefined ? { offerStorage } : {}),
  };
  const platform = await startPlatform(options);
  const where = databaseUrl ? 'PostgreSQL' : (options.dataDir ?? 'memory');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: stop waiting
    stopping = true;
    process.stdout.write(`${signal}: finishing requests and closing the database\n`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Only now: whoever waits for this line may stop the server at once, and the handlers above must catch that.
  process.stdout.write(`Ferry platform listening on ${platform.url} (data: ${where})\n`);
}

// `vault ...` is a maintenance command, not a server start.
const run = process.argv[2] === 'vault' ? () => runVaultCommand(process.argv.slice(3)) : main;
run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
