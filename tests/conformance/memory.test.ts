import { MemoryDriver } from '../../connectors/memory/memory-driver';
import { describeConformance } from './describe-conformance';

// The memory driver keeps files in this process, so the RSS bound does not apply to it.
describeConformance('memory', () => new MemoryDriver(), { boundedMemory: false });
