import { expandPattern, namingPatternProblem } from '../../../connectors/delivery/naming-pattern';
import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { AcquisitionDownloads } from './acquisition-downloads';

/** The acquisitions screen's handlers: downloads to this computer and the naming pattern preview. */
export function acquisitionsHandlers(
  downloads: AcquisitionDownloads,
): Pick<IpcHandlers, 'acquisitions.download' | 'deliveries.previewNaming'> {
  return {
    'acquisitions.download': (input) => refusing(() => downloads.download(input)),
    'deliveries.previewNaming': ({ pattern, offerTitle, filePath, acquisitionId, availableAt }) => {
      // The same checks and expansion the platform's deliveries use, so the preview never promises another path.
      const problem = namingPatternProblem(pattern);
      if (problem !== undefined) return { ok: false, problem };
      const at = new Date(availableAt);
      try {
        const path = expandPattern(pattern, {
          offerTitle,
          filePath,
          acquisitionId,
          availableAt: Number.isNaN(at.getTime()) ? new Date() : at,
        });
        return { ok: true, path };
      } catch (error) {
        return { ok: false, problem: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
