// ESLint rule enforcing the import arrows of DESIGN.md ("Layout and who may import whom").
import { isBuiltin } from 'node:module';
import path from 'node:path';

/** Packages that load Electron when imported: only main/shell/ and preload/ may use them. */
const ELECTRON_PACKAGES = new Set(['electron', 'electron-store']);

/**
 * Each layer: which layers it may import, whether it may use Node built-ins and Electron, and why not.
 * Layers absent from the table (tests/, scripts/, config files) are unrestricted.
 */
const LAYERS = {
  shared: {
    layers: ['shared'],
    node: false,
    electron: false,
    why: 'shared/ is pure TypeScript used by every process, including the sandboxed renderer',
  },
  connectors: {
    layers: ['shared', 'connectors'],
    node: true,
    electron: false,
    why: 'connectors/ is a Node library shared by the desktop, the CLI and the platform server',
  },
  platform: {
    layers: ['shared', 'connectors', 'platform'],
    node: true,
    electron: false,
    why: 'platform/ is a standalone server that runs without Electron',
  },
  main: {
    layers: ['shared', 'connectors', 'platform', 'main'],
    node: true,
    electron: false,
    why: 'main/ services run under Node in tests, the harness and the CLI; only main/shell/ may touch Electron',
  },
  'main/shell': {
    layers: ['shared', 'connectors', 'platform', 'main', 'main/shell'],
    node: true,
    electron: true,
    why: 'main/shell/ is the Electron glue',
  },
  preload: {
    layers: ['shared', 'preload'],
    node: false,
    electron: true,
    why: 'preload/ runs sandboxed and only bridges the IPC contract',
  },
  renderer: {
    layers: ['shared', 'renderer'],
    node: false,
    electron: false,
    why: 'the renderer is sandboxed: no Node, no Electron; it reaches main through the bridge only',
  },
};

/** The layer a repository-relative path belongs to, or undefined when unrestricted. */
export function layerOf(relativePath) {
  const parts = relativePath.split(/[\\/]/);
  if (parts[0] === 'main' && parts[1] === 'shell') return 'main/shell';
  return parts.length > 1 && parts[0] in LAYERS ? parts[0] : undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layering of DESIGN.md: who may import whom.' },
    schema: [],
    messages: {
      layer:
        'ferry/layering: {{from}} may not import {{target}} ({{spec}}): {{why}}. See DESIGN.md, "Layout and who may import whom".',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = layerOf(path.relative(root, file));
    if (!from) return {};
    const rules = LAYERS[from];

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      let target;
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const resolved = path.relative(root, path.resolve(path.dirname(file), spec));
        const layer = layerOf(resolved.includes('/') ? resolved : `${resolved}/x`);
        if (layer && !rules.layers.includes(layer)) target = `${layer}/`;
        if (!layer && resolved.startsWith('..')) target = 'a file outside the repository';
      } else if (ELECTRON_PACKAGES.has(spec) || spec.startsWith('electron/')) {
        if (!rules.electron) target = `Electron ('${spec}')`;
      } else if (isBuiltin(spec)) {
        if (!rules.node) target = `Node built-in '${spec}'`;
      }
      if (target) {
        context.report({ node, messageId: 'layer', data: { from: `${from}/`, target, spec, why: rules.why } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        const [arg] = node.arguments;
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && arg?.type === 'Literal') {
          check(node, arg.value);
        }
      },
    };
  },
};
