import { NodeFS } from '@electric-sql/pglite/nodefs';
import type { PGlite } from '@electric-sql/pglite';

type PostgresModule = Parameters<NodeFS['init']>[1];

/** The slice of Emscripten's NODEFS this file adjusts (PGlite's Node file system; checked at start). */
interface EmscriptenNodeFs {
  doSetAttr(target: unknown, node: unknown, attr: { mode?: number }, ...rest: unknown[]): void;
  readonly node_ops: { mknod(parent: unknown, name: string, mode: number, dev: number): unknown };
}

// Clears the group and other bits: files 0600, folders 0700, whatever mode Postgres or Emscripten asked for.
const ownerOnly = (mode: number): number => mode & ~0o077;

function restrict(nodefs: EmscriptenNodeFs | undefined): void {
  if (typeof nodefs?.doSetAttr !== 'function' || typeof nodefs.node_ops?.mknod !== 'function') {
    throw new Error('PGlite changed its file system layer: the data folder permissions cannot be enforced');
  }
  const setAttr = nodefs.doSetAttr;
  nodefs.doSetAttr = (target, node, attr, ...rest) =>
    setAttr.call(
      nodefs,
      target,
      node,
      attr.mode === undefined ? attr : { ...attr, mode: ownerOnly(attr.mode) },
      ...rest,
    );
  const mknod = nodefs.node_ops.mknod;
  nodefs.node_ops.mknod = (parent, name, mode, dev) => mknod.call(nodefs.node_ops, parent, name, ownerOnly(mode), dev);
}

/**
 * PGlite's Node file system, but every file it creates or chmods is owner-only (Emscripten asks for 0666/0644 on
 * some files). Only this database's Emscripten instance is changed, never the process umask, so files the desktop
 * writes for the user elsewhere keep their usual modes.
 */
export class OwnerOnlyNodeFS extends NodeFS {
  /** Mounts the folder like NodeFS after restricting this instance's NODEFS. */
  override async init(pg: PGlite, opts: Partial<PostgresModule>): Promise<{ emscriptenOpts: Partial<PostgresModule> }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const restrictFirst = (module: PostgresModule): void =>
      restrict(module.NODEFS as unknown as EmscriptenNodeFs | undefined);
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [restrictFirst, ...(emscriptenOpts.preRun ?? [])] } };
  }
}
