/** A transfer action refused: unknown id, bad locations, or an action its state does not allow. */
export class TransferActionError extends Error {
  override readonly name = 'TransferActionError';
}
