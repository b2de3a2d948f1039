import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * The first file of a .zip, streamed with yauzl (which reads the central directory, so a zip is never
 * unpacked whole), and the names of the other files, which are not used. Folders and the metadata
 * files archivers add (__MACOSX/, .DS_Store) do not count.
 */
export async function openFirstEntry(path: string): Promise<{ name: string; size: number; others: string[]; stream: Readable; close: () => void } | undefined> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    const files: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/') || entry.fileName.startsWith('__MACOSX/') || /(^|\/)\./.test(entry.fileName)) continue;
      files.push(entry);
    }
    const [first, ...rest] = files;
    if (!first) {
      zip.close();
      return undefined;
    }
    const stream = await zip.openReadStreamPromise(first);
    return { name: first.fileName, size: first.uncompressedSize, others: rest.map((e) => e.fileName), stream, close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}
