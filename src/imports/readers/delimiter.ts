const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * Guesses the delimiter of delimited text from its first lines: the candidate that appears the same
 * number of times (at least once) on every line, outside quotes; failing that the most frequent one;
 * ',' when none appears (one column, e.g. a .txt of phone numbers). Spreadsheets exported in locales
 * with a decimal comma use ';', hence the guess.
 */
export function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r\n|\n|\r/);
  if (lines.length > 1) lines.pop(); // the last line of a sample may be cut short
  const rows = lines.filter((l) => l.trim() !== '').slice(0, 20);
  if (rows.length === 0) return ',';
  let best: { d: string; consistent: boolean; total: number } | undefined;
  for (const d of CANDIDATES) {
    const counts = rows.map((r) => countOutsideQuotes(r, d));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const consistent = counts.every((c) => c > 0 && c === counts[0]);
    if (!best || (consistent && !best.consistent) || (consistent === best.consistent && total > best.total)) best = { d, consistent, total };
  }
  return best?.d ?? ',';
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}
