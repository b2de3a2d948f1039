import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Errors } from '../shared/errors.ts';

export interface Upload {
  /** Where the file is on disk, until cleanup(). */
  path: string;
  /** Its name as uploaded (the format comes from it). */
  name: string;
  size: number;
  /** The other form fields, as text. */
  fields: Record<string, string>;
  cleanup: () => Promise<void>;
}

/**
 * Receives a multipart upload with one file in the field `file`, streamed to a temporary file (never
 * whole in memory) and cut off at `maxBytes` with a 413. Needs @fastify/multipart on the route's
 * plugin. Fields may come before or after the file. Call cleanup() when done.
 */
export async function receiveUpload(req: FastifyRequest, opts: { maxBytes: number }): Promise<Upload> {
  if (!req.isMultipart()) throw Errors.unsupportedMediaType({ type: `${req.headers['content-type'] ?? 'none'}; send multipart/form-data with the file in the field "file"` });
  const dir = await mkdtemp(join(tmpdir(), 'audience-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let file: { path: string; name: string; size: number } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: opts.maxBytes, files: 1, fields: 50, fieldSize: 64 * 1024 } })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw Errors.validation({ message: `file: send the file in the field "file", not "${part.fieldname}"`, path: 'file' });
      }
      const path = join(dir, 'upload');
      await pipeline(part.file, createWriteStream(path));
      if (part.file.truncated) throw Errors.importFileTooLarge({ limit: opts.maxBytes, path: 'file' });
      file = { path, name: part.filename, size: part.file.bytesRead };
    }
  } catch (err) {
    await cleanup();
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw Errors.importFileTooLarge({ limit: opts.maxBytes, path: 'file' });
    if (code === 'FST_FILES_LIMIT') throw Errors.validation({ message: 'file: send one file per request', path: 'file' });
    throw err;
  }
  if (!file) {
    await cleanup();
    throw Errors.validation({ message: 'file: attach the file as the multipart/form-data field "file"', path: 'file' });
  }
  return { ...file, fields, cleanup };
}
