import type snowflake from 'snowflake-sdk';

/** The snowflake-sdk module, as `import snowflake from 'snowflake-sdk'` gives it. */
export type SnowflakeSdk = typeof snowflake;

const ignore = (): void => {};

let loading: Promise<SnowflakeSdk> | undefined;

/**
 * Loads snowflake-sdk once, set up for a desktop app. Its platform detection, which starts as the module loads,
 * probes cloud metadata endpoints (169.254.169.254, metadata.google.internal) to describe the host in the login
 * request: the variable that turns it off is set first, and the module is loaded after it (a static import could
 * be hoisted above it by a bundler). Its log goes nowhere instead of ./snowflake.log in the working directory;
 * Ferry reports the errors it maps itself.
 */
export function loadSnowflakeSdk(): Promise<SnowflakeSdk> {
  loading ??= (async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
    const module = (await import('snowflake-sdk')) as SnowflakeSdk & { default?: SnowflakeSdk };
    const sdk = module.default ?? module;
    sdk.configure({
      logLevel: 'ERROR',
      customLogger: { error: ignore, warn: ignore, info: ignore, debug: ignore, trace: ignore },
    });
    return sdk;
  })();
  return loading;
}
