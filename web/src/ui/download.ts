import { ApiError, type ApiErrorBody } from '../api.ts';

/**
 * Downloads a file the API makes (a CSV export) under `filename`. Fetched rather than linked so that an
 * error answer is thrown with its message for the page to show, instead of being saved as the file.
 */
export async function downloadFrom(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) {
    const e = ((await res.json().catch(() => undefined)) as ApiErrorBody | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.path);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
