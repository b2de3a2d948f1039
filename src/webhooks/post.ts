/** The outcome of one POST to a receiver: its HTTP status, or why there was none. */
export interface PostOutcome {
  ok: boolean;
  status: number | null;
  /** null on success; otherwise a short reason (a network error, a timeout, or the status and the start of the response). */
  error: string | null;
}

const ERROR_SNIPPET_CHARS = 300;

/**
 * POSTs a JSON body with fetch (undici, built into Node), giving up after `timeoutMs`. Redirects are
 * not followed: a 3xx is a failure, so a delivery never goes to an address that was not subscribed.
 */
export async function postJson(args: { url: string; headers: Record<string, string>; body: string; timeoutMs: number }): Promise<PostOutcome> {
  const signal = AbortSignal.timeout(args.timeoutMs);
  try {
    const res = await fetch(args.url, {
      method: 'POST', body: args.body, redirect: 'manual', signal,
      headers: { 'content-type': 'application/json', ...args.headers },
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel();
      return { ok: true, status: res.status, error: null };
    }
    const text = await readStart(res, ERROR_SNIPPET_CHARS);
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (err) {
    if (signal.aborted) return { ok: false, status: null, error: `no response within ${args.timeoutMs} ms` };
    return { ok: false, status: null, error: describe(err) };
  }
}

/** The first characters of a response, without reading all of a large one. */
async function readStart(res: Response, chars: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < chars) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text.slice(0, chars).trim();
}

/** fetch says "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`. */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? `: ${cause.message}` : ''}`;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
