import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the `ferry` command sets on itself at start (imported first by main.ts): the young generation keeps its
 * initial 1 MiB semi-spaces instead of growing to 16 MiB while a transfer runs. A copy's garbage is mostly
 * ArrayBuffers (packets, file chunks) whose small JS objects hardly fill the young generation, so the grown space
 * bought no speed, only about 14 MiB of peak memory. Unlike `--max-semi-space-size` (read once when the heap is
 * made), the growth factor is read at each resize, so setting it after start works.
 */
export const LEAN_HEAP_FLAGS = '--semi-space-growth-factor=1';

setFlagsFromString(LEAN_HEAP_FLAGS);
