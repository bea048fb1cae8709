// Preloaded with `node --require` by ferry-bundle.test.ts: when the process exits, writes every module it loaded
// (through require or import) to the file named by FERRY_TEST_LOADED_MODULES, one path or URL per line.
const { registerHooks } = require('node:module');
const { writeFileSync } = require('node:fs');

const loaded = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    loaded.add(result.url);
    return result;
  },
});
process.on('exit', () => {
  const modules = [...loaded, ...Object.keys(require.cache)];
  writeFileSync(process.env.FERRY_TEST_LOADED_MODULES, `${modules.join('\n')}\n`);
});
