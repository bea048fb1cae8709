import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { type EventName, type EventPayload, ipcEvents } from '../../shared/ipc';
import { checkEventPayload } from '../../main/ipc/ipc-dispatcher';
import { RENDERER_HEADERS } from '../../main/security/content-security-policy';
import { contentTypeOf, resolveStaticFile } from '../../main/security/static-files';
import { JsonFileStore } from '../../main/services/json-file-store';
import { type DesktopServices, compose } from '../../main/app/compose';
import type { ModuleOutlets } from '../../main/app/desktop-module';

type AppNotification = Parameters<ModuleOutlets['notify']>[0];
import type { SmtpOptions } from '../../platform';
import { openSecretStore } from '../../main/services/secrets/open-secret-store';
import { SessionSecretStore } from '../../main/services/secrets/session-secret-store';

const ROOT = path.resolve(__dirname, '../..');
const BRIDGE_PATH = '/__harness/bridge.js';

/** Options of a harness run. */
export interface HarnessOptions {
  /** The built renderer (electron-vite build output). */
  readonly rendererDir?: string;
  /** Where settings are stored; a new temp folder by default. Reuse one to simulate an app restart. */
  readonly dataDir?: string;
  /** The OS locale the host reports, e.g. 'fr-FR'. */
  readonly locale?: string;
  readonly port?: number;
  /** 'keychain' (default) uses the OS keychain when it answers, as the app does; 'session' keeps secrets in memory. */
  readonly secrets?: 'keychain' | 'session';
  /** SMTP for the local workspace's invitation e-mails (e.g. tests/servers/smtp-sink); else they go to the outbox. */
  readonly localPlatformSmtp?: SmtpOptions;
  /** Answers the app's save dialog: a path, or null for "cancelled" (default: `<dataDir>/exports/<name>`). */
  readonly savePath?: (suggestedName: string) => string | null;
  /** How long a new file must stay unchanged before the sync agent publishes it (tests shorten it). */
  readonly agentSettleMs?: number;
  /** Whether the sync agent runs its bindings on its own schedule (default true, as in the app). */
  readonly startAgent?: boolean;
}

/** A running harness: main's services under Node, the built renderer served with a bridge to them. */
export interface Harness {
  readonly url: string;
  readonly dataDir: string;
  readonly services: DesktopServices;
  /** Links the renderer asked to open externally (the harness never opens a browser). */
  readonly openedLinks: readonly string[];
  /** OS notifications main asked the shell to show (transfer batches that ended or failed, the agent's runs). */
  readonly notifications: readonly AppNotification[];
  /** Sends an event to every connected page, as main's shell does. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new Error('payload too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { ...RENDERER_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Starts the harness on 127.0.0.1 (a free port unless one is given). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = options.rendererDir ?? path.join(ROOT, 'out/renderer');
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ferry-harness-'));
  const openedLinks: string[] = [];
  const { store: secrets, keychainProblem } =
    options.secrets === 'session'
      ? { store: new SessionSecretStore(), keychainProblem: 'The harness was asked to keep secrets in memory.' }
      : await openSecretStore('Ferry-harness');
  // Events may come before the server listens (queued transfers resume at once): they reach no page yet.
  const live: { sockets?: WebSocketServer } = {};
  const emit: Harness['emit'] = (event, payload) => {
    const message = JSON.stringify({ event, payload: checkEventPayload(event, payload) });
    for (const client of live.sockets?.clients ?? []) client.send(message);
  };
  const notifications: AppNotification[] = [];
  const app = compose({
    secrets,
    ...(keychainProblem ? { keychainProblem } : {}),
    store: new JsonFileStore(path.join(dataDir, 'settings.json')),
    host: {
      name: 'Ferry',
      version: (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      locale: options.locale ?? 'en-US',
      dataDir,
      versions: { node: process.versions.node },
    },
    openExternal: async (url) => void openedLinks.push(url),
    ...(options.localPlatformSmtp !== undefined ? { localPlatformSmtp: options.localPlatformSmtp } : {}),
    ...(options.savePath !== undefined ? { chooseSavePath: async (name: string) => options.savePath!(name) } : {}),
    outlets: { emit, notify: (notification) => void notifications.push(notification) },
    ...(options.agentSettleMs !== undefined ? { agentSettleMs: options.agentSettleMs } : {}),
    ...(options.startAgent !== undefined ? { startAgent: options.startAgent } : {}),
  });
  const { dispatch, services } = app;
  const bridge = readFileSync(path.join(__dirname, 'bridge.js'), 'utf8').replace(
    '__EVENT_NAMES__',
    JSON.stringify(Object.keys(ipcEvents)),
  );

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname.startsWith('/__harness/ipc/')) {
        const method = decodeURIComponent(url.pathname.slice('/__harness/ipc/'.length));
        let input: unknown;
        try {
          input = (JSON.parse(await readBody(req)) as { input?: unknown }).input;
        } catch {
          const error = { code: 'InvalidInput', message: 'The payload is not JSON.' };
          return send(res, 200, JSON.stringify({ ok: false, error }), 'application/json');
        }
        return send(res, 200, JSON.stringify(await dispatch(method, input)), 'application/json');
      }
      if (req.method !== 'GET') return send(res, 405, 'Method not allowed', 'text/plain');
      if (url.pathname === '/favicon.ico') return send(res, 204, '', 'image/x-icon');
      if (url.pathname === BRIDGE_PATH) return send(res, 200, bridge, 'text/javascript; charset=utf-8');
      const file = await resolveStaticFile(rendererDir, url.pathname);
      if (!file) return send(res, 404, 'Not found', 'text/plain');
      let body: string | Buffer = await readFile(file);
      if (path.basename(file) === 'index.html') {
        // The bridge must exist before the app's module script runs, as preload's does.
        body = body.toString('utf8').replace('<head>', `<head><script src="${BRIDGE_PATH}"></script>`);
      }
      return send(res, 200, body, contentTypeOf(file));
    })().catch((error: unknown) => {
      console.error('harness request failed', error);
      if (!res.headersSent) send(res, 500, 'Internal error', 'text/plain');
    });
  });
  const events = new WebSocketServer({ server, path: '/__harness/events' });
  live.sockets = events;

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    dataDir,
    services,
    openedLinks,
    notifications,
    emit,
    async stop() {
      for (const client of events.clients) client.terminate();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The local workspace's platform runs in this process: stop it with the app.
      await app.stop();
    },
  };
}
