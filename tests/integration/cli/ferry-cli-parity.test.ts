// The commands a user of rclone expects from `ferry`: sync, check A B, mv, rm, mkdir, filters, dry runs, comparison
// modes, per-command help, -v, --log-file, --stats and --progress. Run in process (runCli) on real folders, and a sync
// to a real OpenSSH server that rclone's own sftp backend then checks.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo } from '../../../main/cli/cli-io';
import { runCli } from '../../../main/cli/ferry-cli';
import { connectorEnv, sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, type SshdServer, startSshd } from '../../servers/sshd-server';

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

let base = '';
let env: NodeJS.ProcessEnv = {};

/** Runs `ferry` in this process on `cwd` with the test's connectors, collecting what it prints. */
async function ferry(args: readonly string[], options: { cwd?: string; interactive?: boolean } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    progress: () => undefined,
    interactive: options.interactive ?? false,
    env,
    cwd: options.cwd ?? base,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

async function tree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(root, { recursive: true })).sort()) {
    const full = path.join(root, name);
    if ((await stat(full)).isFile()) files[name.split(path.sep).join('/')] = await readFile(full, 'utf8');
  }
  return files;
}

async function write(files: Record<string, string>, root: string): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

beforeAll(async () => {
  base = await mkdtemp();
  env = { XDG_CONFIG_HOME: path.join(base, 'xdg'), ...connectorEnv('box', 'local', { root: path.join(base, 'box') }) };
  await mkdir(path.join(base, 'box'));
});
afterAll(async () => rm(base, { recursive: true, force: true }));

function mkdtemp(): Promise<string> {
  return Promise.resolve(mkdtempSync(path.join(os.tmpdir(), 'ferry-parity-')));
}

describe('ferry help', () => {
  it('lists every command, and each command has its own help with only its options', async () => {
    const main = await ferry(['--help']);
    for (const command of ['ls', 'cp', 'sync', 'check', 'mv', 'rm', 'mkdir', 'connectors', 'agent']) {
      expect(main.out.join('\n')).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const sync = await ferry(['sync', '--help']);
    expect(sync.code).toBe(0);
    expect(sync.out.join('\n')).toContain('Usage: ferry sync <source-folder> <destination-folder>');
    expect(sync.out.join('\n')).toContain('--delete-extraneous');
    expect(sync.out.join('\n')).not.toContain('--keep-both');
    expect((await ferry(['help', 'rm'])).out.join('\n')).toContain('-r, --recursive');
  });

  it('refuses an option the command does not take, a second comparison mode, and wrong argument counts', async () => {
    const wrong = await ferry(['mkdir', 'x', '--overwrite']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toEqual(['ferry: mkdir does not take --overwrite (see ferry mkdir --help)']);
    expect((await ferry(['sync', 'a', 'b', '--size-only', '--mtime'])).err).toEqual([
      'ferry: choose one of --size-only, --mtime',
    ]);
    expect((await ferry(['check', 'a', 'b', 'c'])).code).toBe(2);
    expect((await ferry(['check', 'a', 'b', '--write'])).code).toBe(2);
    expect((await ferry(['sync', 'a', 'b', '--stats', 'soon'])).code).toBe(2);
  });
});

describe('ferry sync', () => {
  it('copies new and changed files one way, keeps extra files unless asked, and deletes only with --delete-extraneous', async () => {
    const src = path.join(base, 'sync-src');
    await write({ 'a.txt': 'alpha', 'deep/b.txt': 'beta', 'deep/skip.log': 'log' }, src);
    const first = await ferry(['sync', src, 'box:mirror', '--exclude', '*.log', '-v']);
    expect(first.code, first.err.join('\n')).toBe(0);
    expect(await tree(path.join(base, 'box/mirror'))).toEqual({ 'a.txt': 'alpha', 'deep/b.txt': 'beta' });
    expect(first.err).toEqual(expect.arrayContaining(['copied: a.txt (5 bytes)', 'copied: deep/b.txt (4 bytes)']));

    await write({ 'a.txt': 'ALPHA!', 'new.txt': 'new' }, src);
    await write({ 'extra.txt': 'only there' }, path.join(base, 'box/mirror'));
    const dry = await ferry(['sync', src, 'box:mirror', '--exclude', '*.log', '--dry-run', '--delete-extraneous']);
    expect(dry.out).toEqual([
      'would copy: new.txt (3 bytes)',
      'would replace: a.txt (6 bytes)',
      'would delete: extra.txt (10 bytes)',
      'Dry run: 1 to copy, 1 to replace, 1 to delete, 1 unchanged; nothing was changed.',
    ]);
    expect(await readFile(path.join(base, 'box/mirror/a.txt'), 'utf8')).toBe('alpha');

    const keep = await ferry(['sync', src, 'box:mirror', '--exclude', '*.log']);
    expect(keep.code).toBe(0);
    expect(keep.out[0]).toMatch(/2 copied or replaced .* 1 unchanged, 0 deleted .*1 only at the destination, kept/);
    expect(existsSync(path.join(base, 'box/mirror/extra.txt'))).toBe(true);

    const prune = await ferry(['sync', src, 'box:mirror', '--exclude', '*.log', '--delete-extraneous']);
    expect(prune.code).toBe(0);
    expect(await tree(path.join(base, 'box/mirror'))).toEqual({
      'a.txt': 'ALPHA!',
      'deep/b.txt': 'beta',
      'new.txt': 'new',
    });
  });

  it('refuses an empty source (a wrong path must not mean "delete everything") and a file as the source', async () => {
    const empty = path.join(base, 'empty');
    await mkdir(empty);
    await write({ 'keep.txt': 'k' }, path.join(base, 'box/precious'));
    const run = await ferry(['sync', empty, 'box:precious', '--delete-extraneous']);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/has no files: refusing to sync from an empty source \(1 files at the destination\)/);
    expect(await tree(path.join(base, 'box/precious'))).toEqual({ 'keep.txt': 'k' });
    await write({ 'one.txt': '1' }, path.join(base, 'single'));
    const file = await ferry(['sync', path.join(base, 'single/one.txt'), 'box:precious']);
    expect(file.err[0]).toMatch(/is a file: sync works on folders/);
  });

  it('--size-only and --mtime judge unchanged files without hashing; the default compares hashes', async () => {
    const src = path.join(base, 'cmp-src');
    const dst = path.join(base, 'box/cmp');
    await write({ 'same-size.txt': 'aaaa' }, src);
    await write({ 'same-size.txt': 'bbbb' }, dst);
    const when = new Date('2026-01-02T03:04:05Z');
    await utimes(path.join(src, 'same-size.txt'), when, when);
    await utimes(path.join(dst, 'same-size.txt'), when, when);
    expect((await ferry(['sync', src, 'box:cmp', '--size-only', '--dry-run'])).out.at(-1)).toMatch(/0 to replace/);
    expect((await ferry(['sync', src, 'box:cmp', '--mtime', '--dry-run'])).out.at(-1)).toMatch(/0 to replace/);
    expect((await ferry(['sync', src, 'box:cmp', '--dry-run'])).out.at(-1)).toMatch(/1 to replace/);
    // cp: the same-size different file is left alone with --size-only, refused by default (exit 4).
    const cpSize = await ferry(['cp', path.join(src, 'same-size.txt'), 'box:cmp/same-size.txt', '--size-only']);
    expect(cpSize.out[0]).toMatch(/Already there, identical \(size\)/);
    expect((await ferry(['cp', path.join(src, 'same-size.txt'), 'box:cmp/same-size.txt'])).code).toBe(4);
  });
});

describe('ferry check <source> <destination>', () => {
  it('lists what is missing, different or extra, exits 1 when they differ and 0 when they match', async () => {
    const a = path.join(base, 'check-a');
    const b = path.join(base, 'box/check-b');
    await write({ 'same.txt': 'same', 'changed.txt': 'one', 'missing.txt': 'm' }, a);
    await write({ 'same.txt': 'same', 'changed.txt': 'two', 'extra.txt': 'e' }, b);
    const run = await ferry(['check', a, 'box:check-b']);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([
      'missing at the destination: missing.txt',
      'differs: changed.txt',
      'only at the destination: extra.txt',
      '1 files match (size and hash), 1 differ, 1 missing at the destination, 1 only at the destination.',
    ]);
    const oneWay = await ferry(['check', a, 'box:check-b', '--one-way', '--json']);
    expect(oneWay.out.map((line) => JSON.parse(line) as unknown)).toEqual([
      { kind: 'missing', path: 'missing.txt' },
      { kind: 'differs', path: 'changed.txt' },
    ]);
    const filtered = await ferry(['check', a, 'box:check-b', '--include', 'same.txt']);
    expect(filtered.code).toBe(0);
    // One argument is still the connector's diagnostics.
    expect((await ferry(['check', 'box'])).out.join('\n')).toMatch(/^ok\s+/m);
  });
});

describe('ferry mv, rm, mkdir', () => {
  it('mv renames within a connector, copies then removes across, and refuses to replace without --overwrite', async () => {
    await write({ 'from.txt': 'moving', 'taken.txt': 'taken' }, path.join(base, 'box/mv'));
    const rename = await ferry(['mv', 'box:mv/from.txt', 'box:mv/to.txt']);
    expect(rename.out).toEqual(['Moved box:mv/from.txt to mv/to.txt (renamed on the storage).']);
    const refused = await ferry(['mv', 'box:mv/to.txt', 'box:mv/taken.txt']);
    expect(refused.code).toBe(4);
    expect(await tree(path.join(base, 'box/mv'))).toEqual({ 'taken.txt': 'taken', 'to.txt': 'moving' });

    const away = path.join(base, 'mv-away');
    await write({ 'x/1.txt': 'one', 'x/y/2.txt': 'two' }, path.join(base, 'box/mvtree'));
    const across = await ferry(['mv', 'box:mvtree/x', away]);
    expect(across.code, across.err.join('\n')).toBe(0);
    expect(await tree(away)).toEqual({ '1.txt': 'one', 'y/2.txt': 'two' });
    expect(await readdir(path.join(base, 'box/mvtree'))).toEqual([]);

    // A refused file keeps every source file: nothing is removed unless the whole copy succeeded.
    await write({ 'k/1.txt': 'new one', 'k/2.txt': 'two' }, path.join(base, 'box/mvkeep'));
    await write({ '1.txt': 'old one' }, path.join(base, 'mv-target'));
    const partly = await ferry(['mv', 'box:mvkeep/k', path.join(base, 'mv-target')]);
    expect(partly.code).toBe(4);
    expect(await tree(path.join(base, 'box/mvkeep/k'))).toEqual({ '1.txt': 'new one', '2.txt': 'two' });
  });

  it('rm removes files and empty folders, a full folder only with -r, and never ., .. or the current folder', async () => {
    await write({ 'f/a.txt': 'a', 'f/sub/b.txt': 'b', 'lone.txt': 'l' }, path.join(base, 'box/rm'));
    expect((await ferry(['rm', 'box:rm/lone.txt'])).out).toEqual(['removed: box:rm/lone.txt']);
    const full = await ferry(['rm', 'box:rm/f']);
    expect(full.code).toBe(1);
    expect(full.err[0]).toMatch(/not empty: nothing was removed. Use rm -r/);
    const dry = await ferry(['rm', '-r', 'box:rm/f', '--dry-run']);
    expect(dry.out).toEqual(['Would remove box:rm/f and the 2 files in it.']);
    expect(await tree(path.join(base, 'box/rm'))).toEqual({ 'f/a.txt': 'a', 'f/sub/b.txt': 'b' });
    expect((await ferry(['rm', '-r', 'box:rm/f'])).code).toBe(0);
    expect(await readdir(path.join(base, 'box/rm'))).toEqual([]);

    const here = path.join(base, 'here');
    await write({ 'inner/x.txt': 'x' }, here);
    for (const argument of ['inner/..', '.', '../here', here, 'box:']) {
      const run = await ferry(['rm', '-r', argument], { cwd: path.join(here, 'inner') });
      expect(run.code, argument).toBe(1);
    }
    expect(await tree(here)).toEqual({ 'inner/x.txt': 'x' });
  });

  it('mkdir creates a folder with its parents, locally and on a connector', async () => {
    expect((await ferry(['mkdir', path.join(base, 'made/a/b')])).code).toBe(0);
    expect((await stat(path.join(base, 'made/a/b'))).isDirectory()).toBe(true);
    expect((await ferry(['mkdir', 'box:made/c/d'])).out).toEqual(['Created box:made/c/d']);
    expect((await stat(path.join(base, 'box/made/c/d'))).isDirectory()).toBe(true);
  });
});

describe('ferry cp filters, dry run and logging', () => {
  it('--include/--exclude pick files anywhere by name or by path; --dry-run copies nothing', async () => {
    const src = path.join(base, 'cp-src');
    await write({ 'a.csv': '1', 'deep/b.csv': '2', 'deep/c.tmp': '3', 'top.tmp': '4' }, src);
    const dry = await ferry(['cp', src, 'box:cp', '--exclude', '*.tmp', '--dry-run']);
    expect(dry.out).toEqual([
      'would copy: a.csv (1 byte)',
      'would copy: deep/b.csv (1 byte)',
      'Dry run: 2 files (2 bytes) would be copied, 0 differ, 0 unchanged; nothing was copied.',
    ]);
    expect(existsSync(path.join(base, 'box/cp'))).toBe(false);
    const copy = await ferry(['cp', src, 'box:cp', '--include', 'deep/**', '--exclude', '*.tmp']);
    expect(copy.code, copy.err.join('\n')).toBe(0);
    expect(await tree(path.join(base, 'box/cp'))).toEqual({ 'deep/b.csv': '2' });
  });

  it('-v says what happened to every file and --log-file keeps every line time-stamped; --progress prints lines off a terminal', async () => {
    const src = path.join(base, 'log-src');
    await write({ 'one.txt': 'one', 'two.txt': 'two' }, src);
    const log = path.join(base, 'ferry.log');
    const run = await ferry(['cp', src, 'box:log', '-v', '--log-file', 'ferry.log', '--progress', '--stats', '1']);
    expect(run.code).toBe(0);
    expect(run.err).toEqual(expect.arrayContaining(['copied: one.txt (3 bytes)', 'copied: two.txt (3 bytes)']));
    // A progress line: the files done, the bytes and the rate (its unit depends on how fast this machine copied).
    expect(run.err.some((line) => /^\d+ files {2}.+ (bytes per second|[kMGTP]B\/s)$/.test(line))).toBe(true);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines.some((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO copied: one\.txt \(3 bytes\)$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/Z OUT Copied 2 files/);
    const quiet = await ferry(['cp', src, 'box:log2']);
    expect(quiet.err).toEqual([]);
  });
});

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const rclone = requireServer('rclone', '/usr/bin/rclone', 'apt-get install rclone');

describe.skipIf(!sshd.available || !rclone.available)('ferry sync to a real SFTP server, checked by rclone', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => server?.dispose());

  it('mirrors a folder with odd names to OpenSSH; rclone check finds the two identical', async () => {
    const src = path.join(base, 'to-sftp');
    await write({ 'plain.txt': 'p', 'été [v2].csv': 'accents', 'sub dir/-dash.bin': 'x'.repeat(70_000) }, src);
    const saved = env;
    env = { ...env, ...connectorEnv('depot', 'sftp', sshdSftpOptions(server)) };
    try {
      const run = await ferry(['sync', src, 'depot:mirror']);
      expect(run.code, run.err.join('\n')).toBe(0);
      expect((await ferry(['check', src, 'depot:mirror'])).code).toBe(0);
    } finally {
      env = saved;
    }
    const key = path.join(base, 'rclone_ed25519');
    copyFileSync(server.clientKey.path, key);
    chmodSync(key, 0o600);
    spawnSync('ssh-keygen', ['-q', '-p', '-P', server.clientKey.passphrase, '-N', '', '-f', key]);
    const check = spawnSync('/usr/bin/rclone', ['check', src, `sf:${server.root}/mirror`], {
      encoding: 'utf8',
      env: {
        ...process.env,
        RCLONE_CONFIG: '/dev/null',
        RCLONE_CONFIG_SF_TYPE: 'sftp',
        RCLONE_CONFIG_SF_HOST: server.host,
        RCLONE_CONFIG_SF_PORT: `${server.port}`,
        RCLONE_CONFIG_SF_USER: server.user.name,
        RCLONE_CONFIG_SF_KEY_FILE: key,
      },
    });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/0 differences found/);
    expect(check.stderr).toMatch(/3 matching files/);
  });
});
