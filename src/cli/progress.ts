import type { ImportProgress } from '../imports/progress.ts';

const BAR = 28;
const fmt = (n: number): string => n.toLocaleString('en-US');

/** 75 → '1:15'. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One line of progress: rows, percent, rate, time left. */
export function progressLine(p: ImportProgress): string {
  const rows = p.rows_total === null ? `${fmt(p.rows_read)} rows` : `${fmt(p.rows_read)} / ${fmt(p.rows_total)} rows`;
  const pct = p.percent === null ? '' : ` (${p.percent.toFixed(1)}%)`;
  const rate = p.rows_per_second === null ? '' : `, ${fmt(p.rows_per_second)} rows/s`;
  const eta = p.eta_seconds === null ? '' : `, ETA ${duration(p.eta_seconds)}`;
  return `${rows}${pct}${rate}${eta}`;
}

/**
 * Shows an import's progress: on a terminal a bar redrawn in place (at most ten times a second); elsewhere
 * (a pipe, a log file) a plain line at most once a second, and always the last one.
 */
export class ProgressDisplay {
  private last = 0;
  private lastLine = '';
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream, private readonly now: () => number = Date.now) {}

  update(p: ImportProgress, final = false): void {
    const t = this.now();
    const tty = this.out.isTTY === true;
    if (!final && t - this.last < (tty ? 100 : 1000)) return;
    this.last = t;
    if (!tty) {
      const line = progressLine(p);
      if (line !== this.lastLine) this.out.write(`${line}\n`);
      this.lastLine = line;
      return;
    }
    const filled = p.percent === null ? 0 : Math.round((p.percent / 100) * BAR);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
    this.out.write(`\r\x1b[2K${bar} ${progressLine(p)}`);
    this.drawn = true;
    if (final) this.end();
  }

  /** Ends the bar's line (before anything else is printed). */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
