import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalDriver } from '../../connectors/local/local-driver';
import { describeConformance } from './describe-conformance';

let root = '';

describeConformance(
  'local',
  async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ferry-local-conformance-'));
    return new LocalDriver({ root });
  },
  { cleanup: () => rm(root, { recursive: true, force: true }) },
);
