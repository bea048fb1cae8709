import { spawnSync } from 'node:child_process';

/** The system user both test servers authenticate (password login over SFTP and FTPS). */
export interface TestUser {
  readonly name: string;
  readonly password: string;
  readonly uid: number;
  readonly gid: number;
}

const USER = 'ferrytest';
const STATE_DIR = '/var/lib/ferry-test';

// Idempotent and serialised with flock: several test files start servers in parallel. The password is random
// once per machine and kept root-only, so parallel runs agree on it and it is never a published constant.
const SCRIPT = `set -e
mkdir -p ${STATE_DIR}
chmod 755 ${STATE_DIR}
umask 077
if ! id -u ${USER} >/dev/null 2>&1; then
  useradd --system --create-home --home-dir ${STATE_DIR}/home --shell /bin/sh ${USER}
fi
if [ ! -s ${STATE_DIR}/password ]; then
  head -c 18 /dev/urandom | base64 | tr '+/' 'xy' > ${STATE_DIR}/password
fi
printf '%s:%s\\n' ${USER} "$(cat ${STATE_DIR}/password)" | chpasswd
printf '%s %s %s\\n' "$(id -u ${USER})" "$(id -g ${USER})" "$(cat ${STATE_DIR}/password)"
`;

let cached: TestUser | undefined;

/** Creates the test system user if missing (useradd + chpasswd, as root) and returns its credentials. */
export function ensureTestUser(): TestUser {
  if (cached) return cached;
  const result = spawnSync('flock', ['/tmp/ferry-testuser.lock', 'sh', '-c', SCRIPT], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`could not create the test user ${USER}: ${result.stderr || result.error?.message || ''}`.trim());
  }
  const [uid, gid, password] = result.stdout.trim().split(' ');
  if (!uid || !gid || !password) throw new Error(`unexpected output while creating ${USER}: ${result.stdout}`);
  cached = { name: USER, password, uid: Number(uid), gid: Number(gid) };
  return cached;
}
