/** The largest file a "Load from file…" button reads: the size an option's text may have (64 KiB). */
export const MAX_OPTION_FILE_BYTES = 64 * 1024;

/** Why a chosen file was not read into the field. */
export type FileTextProblem = 'tooLarge' | 'unreadable';

/** A chosen file that could not be read into a field: the reason, for a message in the user's language. */
export class FileTextError extends Error {
  constructor(readonly problem: FileTextProblem) {
    super(problem);
  }
}

/**
 * The text of a file the user chose (an <input type=file>), read here in the renderer with FileReader: the text
 * goes into the field as if pasted, and no path ever reaches main (Ferry never reads files named in settings).
 */
export function readFileText(file: Blob, maxBytes = MAX_OPTION_FILE_BYTES): Promise<string> {
  if (file.size > maxBytes) return Promise.reject(new FileTextError('tooLarge'));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new FileTextError('unreadable'));
    reader.onerror = () => reject(new FileTextError('unreadable'));
    reader.readAsText(file);
  });
}
