/** CRC32C (Castagnoli), as GCS reports it in `crc32c` and `x-goog-hash`, written out so the fake owes nothing to the SDK. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C of the buffers, base64 of the big-endian 4 bytes (the GCS JSON API spelling). */
export function crc32cBase64(...buffers: readonly Buffer[]): string {
  let crc = 0xffffffff;
  for (const buffer of buffers) {
    for (let i = 0; i < buffer.length; i++) crc = TABLE[(crc ^ buffer[i]!) & 0xff]! ^ (crc >>> 8);
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
