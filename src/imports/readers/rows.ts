/** One row of a file: its number as a person sees it (1-based, in the file or the sheet) and its cells as text. */
export interface Row {
  row: number;
  cells: string[];
  /** Delimited text: the byte of the file just after this row (a read may resume there). */
  end?: number;
  /** The row could not be read (only with `reportBroken`); its cells are empty. */
  error?: string;
}

export const ROW_FORMATS = ['csv', 'txt', 'xlsx'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/** The format a file name says, or undefined. A .tsv is delimited text like a .csv. */
export function formatOf(name: string): RowFormat | 'zip' | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  switch (ext) {
    case 'csv':
    case 'tsv':
      return 'csv';
    case 'txt':
      return 'txt';
    case 'xlsx':
      return 'xlsx';
    case 'zip':
      return 'zip';
    default:
      return undefined;
  }
}
