import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadSnowflakeSdk } from '../../../connectors/snowflake/load-snowflake-sdk';

const require = createRequire(import.meta.url);

it('loads snowflake-sdk with its cloud-metadata platform probes off (no requests to 169.254.169.254)', async () => {
  // Nothing in this file loads the SDK before the driver's loader does.
  await loadSnowflakeSdk();
  const sdk = path.dirname(require.resolve('snowflake-sdk'));
  // The SDK starts the probes when it loads and keeps their promise: 'disabled' means none was sent.
  const detection = require(path.join(sdk, 'lib/telemetry/platform_detection.js')) as {
    getDetectedPlatforms: () => Promise<string[]>;
  };
  expect(await detection.getDetectedPlatforms()).toEqual(['disabled']);
});
