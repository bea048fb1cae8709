import { type AddressInfo } from 'node:net';
import { type Attributes, Server, utils } from 'ssh2';
import { sshFingerprint } from '../../../connectors/sftp/ssh-fingerprint';

const { STATUS_CODE } = utils.sftp;

/** A file or folder the fake server serves; `names` lists what READDIR returns for a folder (hostile ones too). */
export type FakeNode =
  { readonly type: 'file'; readonly data: Buffer } | { readonly type: 'dir'; readonly names: readonly string[] };

/** A running malicious SFTP server (ssh2's Server): it answers READDIR with whatever names it was given. */
export interface HostileSftpServer {
  readonly port: number;
  readonly hostKeyFingerprint: string;
  readonly username: string;
  readonly password: string;
  stop(): Promise<void>;
}

/**
 * Starts an SFTP server on 127.0.0.1 whose tree is `nodes` (absolute paths). READDIR returns each folder's
 * `names` verbatim, so names no real file system can hold ('/', NUL, 300-byte names) reach the client.
 */
export async function startHostileSftpServer(nodes: ReadonlyMap<string, FakeNode>): Promise<HostileSftpServer> {
  const hostKey = utils.generateKeyPairSync('ed25519');
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  const username = 'hostile';
  const password = 'hostile-password';
  const now = Math.floor(Date.now() / 1000);
  const attrsOf = (node: FakeNode): Attributes => ({
    mode: node.type === 'dir' ? 0o040755 : 0o100644,
    size: node.type === 'dir' ? 0 : node.data.length,
    uid: 0,
    gid: 0,
    atime: now,
    mtime: now,
  });
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === username && ctx.password === password) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('error', () => undefined);
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<string, { path: string; listed: boolean }>();
          let nextHandle = 0;
          const newHandle = (path: string): Buffer => {
            const handle = Buffer.from(String(nextHandle++));
            handles.set(handle.toString(), { path, listed: false });
            return handle;
          };
          const stat = (reqid: number, path: string): void => {
            const node = nodes.get(path);
            if (node === undefined) sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            else sftp.attrs(reqid, attrsOf(node));
          };
          sftp.on('STAT', stat);
          sftp.on('LSTAT', stat);
          sftp.on('REALPATH', (reqid, path) =>
            sftp.name(reqid, [{ filename: path, longname: path, attrs: {} as Attributes }]),
          );
          sftp.on('OPENDIR', (reqid, path) => {
            if (nodes.get(path)?.type !== 'dir') return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.handle(reqid, newHandle(path));
          });
          sftp.on('READDIR', (reqid, handle) => {
            const open = handles.get(handle.toString());
            const node = open === undefined ? undefined : nodes.get(open.path);
            if (open === undefined || node?.type !== 'dir' || open.listed) return sftp.status(reqid, STATUS_CODE.EOF);
            open.listed = true;
            sftp.name(
              reqid,
              node.names.map((name) => {
                const child = nodes.get(`${open.path}/${name}`) ?? { type: 'file', data: Buffer.from('payload') };
                return { filename: name, longname: name, attrs: attrsOf(child) };
              }),
            );
          });
          sftp.on('OPEN', (reqid, path) => {
            if (nodes.get(path)?.type !== 'file') return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.handle(reqid, newHandle(path));
          });
          sftp.on('FSTAT', (reqid, handle) => {
            const node = nodes.get(handles.get(handle.toString())?.path ?? '');
            if (node === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
            sftp.attrs(reqid, attrsOf(node));
          });
          sftp.on('READ', (reqid, handle, offset, length) => {
            const node = nodes.get(handles.get(handle.toString())?.path ?? '');
            if (node?.type !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
            if (offset >= node.data.length) return sftp.status(reqid, STATUS_CODE.EOF);
            sftp.data(reqid, node.data.subarray(offset, offset + length));
          });
          sftp.on('CLOSE', (reqid, handle) => {
            handles.delete(handle.toString());
            sftp.status(reqid, STATUS_CODE.OK);
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostKeyFingerprint: sshFingerprint(parsed.getPublicSSH()),
    username,
    password,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
