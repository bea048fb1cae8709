import { isConnectorError } from '../../../connectors/connector-error';
import { type Driver } from '../../../connectors/driver';
import { joinPath } from '../../../connectors/path-safety';
import { partialPathOf } from '../../../connectors/transfer/copy-file';
import type { Transfer } from '../../../shared/ipc/transfers-ipc';
import type { DriverProvider } from '../connectors/driver-provider';
import { TransferActionError } from './transfer-action-error';

/** Refuses (TransferActionError) a connector that does not exist; other problems show on the transfer itself. */
export async function checkConnector(drivers: DriverProvider, connectorId: string): Promise<void> {
  let driver: Driver;
  try {
    driver = await drivers.open(connectorId);
  } catch (error) {
    // Other problems (a session secret gone after a restart...) show on the transfer itself.
    if (isConnectorError(error, 'NotFound')) throw new TransferActionError(`Unknown connector ${connectorId}.`);
    return;
  }
  await driver.close().catch(() => undefined);
}

/** Removes the hidden partial file of a paused file transfer that is cancelled (best effort). */
export async function removePartial(drivers: DriverProvider, transfer: Transfer): Promise<void> {
  try {
    const driver = await drivers.open(transfer.destination.connectorId);
    try {
      await driver.remove(partialPathOf(joinPath(transfer.destination.path, transfer.name)));
    } finally {
      await driver.close().catch(() => undefined);
    }
  } catch {
    // Nothing to remove, or the storage is unreachable: the partial is hidden and a later copy replaces it.
  }
}
