import { InvalidInputError } from '../ipc/ipc-dispatcher';

/** Opens a URL outside Ferry: Electron's shell.openExternal in the app, a recorder in tests. */
export type ExternalOpener = (url: string) => Promise<void>;

/** Returns the normalised URL when it is a plain https link, or throws InvalidInputError saying why not. */
export function validateExternalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError('Not a valid link.');
  }
  if (url.protocol !== 'https:') throw new InvalidInputError('Only https links can be opened.');
  if (url.username || url.password) throw new InvalidInputError('Links carrying credentials are refused.');
  if (!url.hostname) throw new InvalidInputError('The link has no host.');
  return url.toString();
}

/** Opens validated https links only (DESIGN.md security model). */
export class ExternalLinkService {
  constructor(private readonly opener: ExternalOpener) {}

  async open(raw: string): Promise<{ opened: true }> {
    await this.opener(validateExternalUrl(raw));
    return { opened: true };
  }
}
