// The audit CSV export: formula-safe cells (OWASP CSV injection, also for ';' locales) and streamed, lazily paged rows.
import { request } from 'node:http';
import { expect, it } from 'vitest';
import { buildApp } from '../../platform/build-app';
import type { Database } from '../../platform/db/database';
import { auditEvents } from '../../platform/db/schema';
import { AUDIT_PAGE_SIZE, newEventId, recordAudit } from '../../platform/audit/audit-log';
import { forEachDatabase, setUp, type SetUpOrg } from './platform-harness';

/** Each hostile label and the exact CSV cell it must become. */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['=1+1', `"'=1+1"`],
  ['+1', `"'+1"`],
  ['-1', `"'-1"`],
  ['@SUM(A1)', `"'@SUM(A1)"`],
  ['\tx', `"'\tx"`],
  ['\rx', `"'\rx"`],
  ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
  ['a;=cmd|" /C calc"!A0', `"a;=cmd|"" /C calc""!A0"`],
  ['a;b', `"a;b"`],
  ['with,comma', `"with,comma"`],
  ['two\nlines', `"two\nlines"`],
  ['cr\rinside', `"cr\rinside"`],
  ['plain Zoë', 'plain Zoë'],
];

forEachDatabase((env) => {
  let org: SetUpOrg;

  it('neutralises formulas and quotes cells with ; (every cell exactly as expected)', async () => {
    org = await setUp(env());
    const start = env().clock.now().getTime() + 1000;
    for (const [index, [label]] of HOSTILE.entries()) {
      await recordAudit(env().db, {
        orgId: org.orgId,
        at: new Date(start + index),
        principalType: 'user',
        principalId: 'usr_x',
        principalLabel: label,
        action: 'test.hostile',
        targetType: null,
        targetId: null,
        ip: '127.0.0.1',
        outcome: 'success',
        reason: null,
      });
    }
    const res = await env().call('GET', `/v1/orgs/${org.orgId}/audit/export?action=test.hostile`, {
      token: org.adminToken,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const body = res.body;
    expect(
      body.startsWith(
        'id,at,principalType,principalId,principalLabel,action,targetType,targetId,ip,outcome,reason,targetLabel\r\n',
      ),
    ).toBe(true);
    expect(body.endsWith('\r\n')).toBe(true);
    for (const [label, cell] of HOSTILE) {
      expect(body, JSON.stringify(label)).toContain(`,user,usr_x,${cell},test.hostile,,,127.0.0.1,success,,\r\n`);
    }
  });

  it('streams a large log: the first bytes leave before most pages are read, and pages are read only as the client reads', async () => {
    const rows = 20_000;
    const label = 'L'.repeat(1500);
    const at = env().clock.now().getTime() + 10_000;
    for (let done = 0; done < rows; done += 1000) {
      await env()
        .db.insert(auditEvents)
        .values(
          Array.from({ length: 1000 }, (_, i) => ({
            id: newEventId(at + done + i),
            orgId: org.orgId,
            at: new Date(at + done + i),
            principalType: 'user' as const,
            principalId: 'usr_bulk',
            principalLabel: label,
            action: 'test.bulk',
            targetType: null,
            targetId: null,
            ip: '127.0.0.1',
            outcome: 'success' as const,
            reason: null,
          })),
        );
    }
    // Counts the SELECTs the export runs (authentication's and the pages).
    let selects = 0;
    const counting = new Proxy(env().db, {
      get(target, property, receiver) {
        if (property === 'select') selects++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Database;
    const app = await buildApp({ db: counting });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const pages = Math.ceil(rows / AUDIT_PAGE_SIZE);
      const observed = await new Promise<{ first: number; paused: number; end: number; lines: number }>(
        (resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: `/v1/orgs/${org.orgId}/audit/export?action=test.bulk`,
              headers: { authorization: `Bearer ${org.adminToken}` },
            },
            (res) => {
              let first = -1;
              let paused = -1;
              let lines = 0;
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                lines += chunk.split('\n').length - 1;
                if (first >= 0) return;
                first = selects;
                res.pause();
                setTimeout(() => {
                  paused = selects;
                  res.resume();
                }, 700);
              });
              res.on('end', () => resolve({ first, paused, end: selects, lines }));
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(observed.lines, JSON.stringify({ ...observed, pages })).toBe(rows + 1);
      // The first bytes arrive long before the last page is read (client and server share this event loop, so a few
      // pages go out before the client's first 'data' runs).
      expect(observed.first, JSON.stringify(observed)).toBeLessThan(pages / 2);
      // While the client does not read, the server stops at what the socket buffers hold.
      expect(observed.paused).toBeLessThan(pages / 2);
      expect(observed.end).toBeGreaterThanOrEqual(pages);
    } finally {
      await app.close();
    }
  }, 120_000);
});
