// Preloaded into electronegativity: its two online look-ups (translations, Electron releases) go through `got`, whose
// retry after a timeout crashes the process when offline. Make them fail at once so the scan is deterministic.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'got') {
    const offline = () => Promise.reject(new Error('offline: network look-ups are disabled for the security gate'));
    return Object.assign(offline, { default: offline, get: offline });
  }
  return load.call(this, request, parent, isMain);
};
