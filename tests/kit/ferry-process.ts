import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The `ferry` launcher users run: the built bundle out/cli/ferry.js (`npm run build` makes it). */
export const FERRY_BIN = path.resolve(__dirname, '../../bin/ferry.mjs');

/** The `ferry` launcher from the TypeScript sources (`npm run ferry:dev`): always the current code, no build needed. */
export const FERRY_DEV_BIN = path.resolve(__dirname, '../../bin/ferry-dev.mjs');

/** What a finished `ferry` process said. */
export interface FerryRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and as whom `ferry` runs. */
export interface FerryLaunch {
  readonly cwd: string;
  /** XDG_CONFIG_HOME: its own ferry.json and known-hosts.json. */
  readonly configHome: string;
  /** Variables on top of the test's environment (which never passes its own FERRY_* variables on). */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs as this system user through runuser (needs root); HOME is set to `configHome` then. */
  readonly runAs?: string;
  /** 'bundle': bin/ferry.mjs running the build in out/, exactly as a user does; 'sources' (default): bin/ferry-dev.mjs. */
  readonly launcher?: 'bundle' | 'sources';
  /** Node options before the launcher (e.g. a `--require` preload). */
  readonly nodeArgs?: readonly string[];
}

/** A started `ferry` process and its end. */
export interface FerryProcess {
  readonly child: ChildProcess;
  readonly finished: Promise<FerryRun>;
}

// Another user must reach Node and the checkout: a clone inside a private folder (mode 0700) cannot be tested this way.
function assertReachableBy(user: string, launcher: string): void {
  for (const file of [process.execPath, launcher]) {
    if (spawnSync('runuser', ['-u', user, '--', 'test', '-r', file]).status !== 0) {
      throw new Error(
        `User ${user} cannot read ${file}: a parent folder is private. Run this test from a checkout other users ` +
          'can traverse (chmod o+x on each parent folder).',
      );
    }
  }
}

/** Starts `ferry` with only the variables the test gives it, collecting its output. */
export function startFerry(args: readonly string[], launch: FerryLaunch): FerryProcess {
  const launcher = launch.launcher === 'bundle' ? FERRY_BIN : FERRY_DEV_BIN;
  if (launch.runAs !== undefined) assertReachableBy(launch.runAs, launcher);
  const outside = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FERRY_')));
  const command = [process.execPath, ...(launch.nodeArgs ?? []), launcher, ...args];
  const [file, ...rest] = launch.runAs === undefined ? command : ['runuser', '-u', launch.runAs, '--', ...command];
  const child = spawn(file!, rest, {
    cwd: launch.cwd,
    env: {
      ...outside,
      XDG_CONFIG_HOME: launch.configHome,
      ...(launch.runAs === undefined ? {} : { HOME: launch.configHome }),
      ...launch.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<FerryRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, finished };
}

/** Runs `ferry` to its end. */
export function runFerry(args: readonly string[], launch: FerryLaunch): Promise<FerryRun> {
  return startFerry(args, launch).finished;
}
