import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { type S3StageStore } from './s3-stage-store';

/** What LIST reports about one stored file of a stage. */
export interface StageFileFacts {
  /** '/'-separated path inside the stage. */
  readonly path: string;
  readonly size: number;
  readonly md5: string;
  readonly lastModified: Date;
}

/** Where one stage of the fake keeps its files, and the `stageInfo` that sends the SDK there for PUT and GET. */
export interface StageArea {
  files(): Promise<StageFileFacts[]>;
  remove(relativePath: string): Promise<void>;
  /** `stageInfo` for a PUT into `folder` ('' or 'a/b/') or, with '', a GET of the stage's files. */
  stageInfo(folder: string): Record<string, unknown>;
  /** The bytes of a file when they sit on this machine's disk (LOCAL_FS areas); undefined when absent. */
  localFile(relativePath: string): Buffer | undefined;
}

/** Files under `dir` as '/'-separated paths relative to it. */
function walk(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

/** The MD5 of a file read 1 MiB at a time: the fake runs in the tests' process, whose memory they bound. */
function md5OfFile(file: string): string {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A stage in a folder of the fake, served as `LOCAL_FS`: the SDK copies the bytes itself, no HTTP. */
export function localStageArea(dir: string): StageArea {
  mkdirSync(dir, { recursive: true });
  return {
    files: () =>
      Promise.resolve(
        walk(dir).map((p) => {
          const full = path.join(dir, p);
          const info = statSync(full);
          return { path: p, size: info.size, md5: md5OfFile(full), lastModified: info.mtime };
        }),
      ),
    remove: (p) => Promise.resolve(unlinkSync(path.join(dir, p))),
    stageInfo: (folder) => {
      const location = path.join(dir, folder);
      mkdirSync(location, { recursive: true });
      return {
        locationType: 'LOCAL_FS',
        location,
        path: '',
        region: null,
        storageAccount: null,
        isClientSideEncrypted: false,
        creds: {},
        presignedUrl: null,
        endPoint: null,
      };
    },
    localFile: (p) => {
      try {
        return readFileSync(path.join(dir, p));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * A stage in a folder of a bucket of a real local S3 server, served as `S3` with credentials and an endpoint:
 * the SDK's S3 client uploads and downloads the bytes over https, as it does against Snowflake's own buckets.
 * LIST's md5 is the object's ETag, as Snowflake reports it for S3 stages.
 */
export function s3StageArea(store: S3StageStore, folder: string): StageArea {
  return {
    files: async () => (await store.list(folder)).map((o) => ({ ...o, md5: o.etag })),
    remove: (p) => store.remove(`${folder}${p}`),
    stageInfo: (sub) => store.stageInfo(`${folder}${sub}`),
    localFile: () => undefined,
  };
}
