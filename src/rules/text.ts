/**
 * Case folding for the text operators. PostgreSQL's lower() maps one character at a time (simple case
 * mapping), while String.prototype.toLowerCase applies context rules (a final Σ becomes ς) and one
 * expansion (İ → i̇). Folding character by character, İ to i, keeps the two evaluators in step.
 */
const ASCII = /^[\x00-\x7f]*$/;

export function foldCase(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}
