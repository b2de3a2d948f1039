import type { Command } from 'commander';
import { verify, type SegmentCheck } from '../membership/verify.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid } from '../shared/ids.ts';
import { withServices } from './context.ts';

const SHOWN = 10;

/** `audience segments verify [id]`: stored membership against a fresh bulk evaluation; exit 1 on drift. */
export function segmentCommands(program: Command): void {
  const segments = program.command('segments').description('segments and their stored membership');
  segments.command('verify')
    .argument('[segmentId]', 'one segment (default: every segment)')
    .option('--workspace <id>', 'only this workspace')
    .option('--now <iso>', 'evaluate at this instant (default: now)')
    .description('compare stored members with a fresh evaluation and report drift (exit 1 when any)')
    .action((segmentId: string | undefined, opts: { workspace?: string; now?: string }) =>
      withServices(async (s) => {
        const now = opts.now ? new Date(opts.now) : s.clock.now();
        if (Number.isNaN(now.getTime())) throw new Error(`--now: not an instant: ${opts.now}`);
        for (const [what, id] of [['segment', segmentId], ['workspace', opts.workspace]] as const) {
          if (id !== undefined && !isUuid(id)) throw Errors.notFound({ resource: what, id });
        }
        const report = await verify({ db: s.db, now, ...(segmentId ? { segmentId } : {}), ...(opts.workspace ? { workspaceId: opts.workspace } : {}) });
        if (segmentId && report.segments.length === 0) throw Errors.notFound({ resource: 'segment', id: segmentId });
        for (const c of report.segments) console.log(describe(c));
        const drifted = report.segments.filter((c) => c.drift).length;
        console.log(`${report.segments.length} segments checked at ${now.toISOString()}, ${drifted} with drift`);
        if (report.drift) process.exitCode = 1;
      }),
    );
}

function describe(c: SegmentCheck): string {
  const head = `${c.drift ? 'DRIFT' : 'ok   '} ${c.segmentId}  ${JSON.stringify(c.name)}`;
  if (c.error) return `${head}: rule does not parse: ${c.error}`;
  const parts = [`${c.stored} stored, ${c.expected} expected${c.building ? ' (build under way)' : ''}`];
  const ids = (xs: readonly string[]) => xs.slice(0, SHOWN).join(', ') + (xs.length > SHOWN ? `, … (${xs.length - SHOWN} more)` : '');
  if (c.missing.length > 0) parts.push(`missing ${c.missing.length}: ${ids(c.missing)}`);
  if (c.extra.length > 0) parts.push(`extra ${c.extra.length}: ${ids(c.extra)}`);
  if (c.countMismatch !== undefined) parts.push(`member_count says ${c.countMismatch}`);
  return `${head}: ${parts.join('; ')}`;
}
