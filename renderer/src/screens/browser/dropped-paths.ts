/** The bridge's optional helper naming a dropped file's absolute path (Electron's webUtils.getPathForFile). */
interface PathBridge {
  readonly pathForFile?: (file: unknown) => string;
}

/** What the helpers read of a drag's DataTransfer (kept structural: the helpers also run in Node tests). */
export interface DragData {
  readonly types: readonly string[];
  readonly files: ArrayLike<unknown>;
  getData(format: string): string;
}

// file:///home/a%20b/x.txt -> /home/a b/x.txt; file:///C:/x -> C:\x.
function pathOfFileUrl(line: string): string | undefined {
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return undefined;
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1).replaceAll('/', '\\') : path;
}

/** Whether a drag carries files from the OS (and not, say, text dragged inside the page). */
export function carriesFiles(data: DragData): boolean {
  return data.types.includes('Files') || data.types.includes('text/uri-list');
}

/**
 * The absolute paths of files and folders dropped from the OS: from the bridge when it can name them (Electron),
 * else from the file:// URIs file managers put on the drag (text/uri-list). Empty when neither names them.
 */
export function droppedPaths(data: DragData): string[] {
  const bridge = (globalThis as { ferry?: PathBridge }).ferry;
  const named: string[] = [];
  if (bridge?.pathForFile !== undefined) {
    for (const file of Array.from(data.files)) {
      const path = bridge.pathForFile(file);
      if (path !== '') named.push(path);
    }
  }
  if (named.length > 0) return named;
  return data
    .getData('text/uri-list')
    .split(/\r?\n/)
    .map((line: string) => line.trim())
    .filter((line: string) => line !== '' && !line.startsWith('#'))
    .map(pathOfFileUrl)
    .filter((path): path is string => path !== undefined);
}
