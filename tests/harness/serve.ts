import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHarness } from './harness';

// `npm run preview:web`: the UI in any browser, backed by main's real services under Node.

const { values } = parseArgs({
  options: { port: { type: 'string', default: '5174' }, data: { type: 'string' }, locale: { type: 'string' } },
});
const rendererDir = path.resolve(__dirname, '../../out/renderer');
if (!existsSync(path.join(rendererDir, 'index.html'))) {
  console.error('The renderer is not built. Run `npm run build` first (npm run preview:web does it for you).');
  process.exit(1);
}
void startHarness({
  rendererDir,
  port: Number(values.port),
  ...(values.data ? { dataDir: path.resolve(values.data) } : {}),
  locale: values.locale ?? Intl.DateTimeFormat().resolvedOptions().locale,
}).then((harness) => {
  console.log(`Ferry (browser preview) at ${harness.url}\nData folder: ${harness.dataDir}\nPress Ctrl+C to stop.`);
  const stop = (): void => void harness.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
