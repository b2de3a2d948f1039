import type { Readable } from 'node:stream';

/** How the bytes of a delimited text file are read. `latin1` is read as Windows-1252, its superset. */
export const TEXT_ENCODINGS = ['utf-8', 'latin1', 'utf-16le'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export interface DetectedEncoding {
  encoding: TextEncoding;
  /** The file starts with a byte order mark (csv-parse drops it). */
  bom: boolean;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/**
 * Reads the whole stream once: a UTF-16LE byte order mark (Excel's "Unicode text") says UTF-16LE;
 * otherwise the text is UTF-8 (with or without a BOM) when every byte sequence is valid UTF-8, and
 * Latin-1 (Windows-1252, what spreadsheets on Windows write) as soon as one is not, wherever it is in
 * the file. The validating decoder is native and streams, so this is fast and memory stays flat.
 */
export async function detectEncoding(input: Readable): Promise<DetectedEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let first = true;
  let bom = false;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if (chunk.subarray(0, 2).equals(UTF16LE_BOM)) return { encoding: 'utf-16le', bom: true };
        bom = chunk.subarray(0, 3).equals(UTF8_BOM);
      }
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return { encoding: 'utf-8', bom };
  } catch (err) {
    if (err instanceof TypeError) return { encoding: 'latin1', bom: false };
    throw err;
  } finally {
    input.destroy();
  }
}

/** The Node buffer encoding csv-parse decodes with. */
export function nodeEncoding(e: TextEncoding): BufferEncoding {
  return e === 'utf-8' ? 'utf8' : e === 'latin1' ? 'latin1' : 'utf16le';
}

// Windows-1252 puts printable characters where Latin-1 has C1 control codes (0x80-0x9f): €, ‚, “, ”, …
const CP1252_C1 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f'
  + '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const HAS_C1 = /[\u0080-\u009f]/;
const C1_RE = /[\u0080-\u009f]/g;

/** A cell csv-parse decoded as Latin-1, with the Windows-1252 characters in their place. */
export function fixWindows1252(s: string): string {
  return HAS_C1.test(s) ? s.replace(C1_RE, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!) : s;
}
