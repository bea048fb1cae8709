// The browser stand-in for preload: implements window.ferry (FerryBridge) over HTTP (invoke) and WebSocket (events)
// against the harness, which runs the same main-process handlers. The server fills in the event names.
(() => {
  const eventNames = new Set(__EVENT_NAMES__);
  const listeners = new Map();
  const connect = () => {
    const socket = new WebSocket(`ws://${location.host}/__harness/events`);
    socket.onmessage = (message) => {
      const { event, payload } = JSON.parse(message.data);
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    socket.onclose = () => setTimeout(connect, 500);
  };
  connect();
  const bridge = {
    async invoke(method, input) {
      const response = await fetch(`/__harness/ipc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      });
      return response.json();
    },
    on(event, listener) {
      if (!eventNames.has(event)) throw new Error(`Unknown IPC event '${event}'.`);
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  };
  Object.defineProperty(window, 'ferry', { value: Object.freeze(bridge), enumerable: true });
})();
