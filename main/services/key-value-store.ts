/** The persistence main services need: electron-store in the app, a JSON file in the harness and the CLI. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}
