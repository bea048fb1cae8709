/** A JSON answer of a platform started for real, read field by field. */
export interface Answer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are read field by field
  readonly body: { readonly [key: string]: any };
}

/** Calls a running platform at `base` over HTTP, with a bearer token and a JSON body when given. */
export async function call(base: string, method: string, url: string, token?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}
