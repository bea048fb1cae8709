/** The two parts of a GCS `uploadType=multipart` body: JSON metadata, then the media. */
export interface MultipartUpload {
  readonly metadata: Record<string, unknown>;
  readonly media: Buffer;
  readonly mediaContentType: string | undefined;
}

/** Parses a `multipart/related` body (binary-safe), or throws with a message fit for a 400. */
export function parseMultipartRelated(contentType: string | undefined, body: Buffer): MultipartUpload {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (boundary === undefined) throw new Error('Missing multipart boundary.');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('Unterminated multipart body.');
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    parts.push(body.subarray(start + 2, next - 2));
    at = next;
  }
  if (parts.length !== 2) throw new Error(`Expected 2 multipart parts, got ${parts.length}.`);
  const split = (part: Buffer): { headers: string; content: Buffer } => {
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) throw new Error('Malformed multipart part.');
    return { headers: part.subarray(0, end).toString(), content: part.subarray(end + 4) };
  };
  const meta = split(parts[0]!);
  const media = split(parts[1]!);
  return {
    metadata: JSON.parse(meta.content.toString()) as Record<string, unknown>,
    media: media.content,
    mediaContentType: /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1],
  };
}
