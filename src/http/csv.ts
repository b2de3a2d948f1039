import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';

/**
 * Streams rows as a CSV download (csv-stringify does the quoting): memory stays flat however many
 * rows. Dates are written in ISO 8601, null as an empty cell.
 */
export function sendCsv<R extends object>(reply: FastifyReply, args: { filename: string; columns: readonly (keyof R & string)[]; rows: AsyncIterable<R> }): FastifyReply {
  const csv = stringify({ header: true, columns: [...args.columns], cast: { date: (d) => d.toISOString() } });
  const body = Readable.from(args.rows).pipe(csv);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${args.filename}"`)
    .send(body);
}

/** Like sendCsv, for rows that are arrays (their columns known only at run time): `header` first, then the rows. */
export function sendCsvArrays(reply: FastifyReply, args: { filename: string; header: readonly string[]; rows: AsyncIterable<readonly unknown[]> }): FastifyReply {
  const csv = stringify({ cast: { date: (d) => d.toISOString() } });
  async function* all() {
    yield args.header;
    yield* args.rows;
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${args.filename}"`)
    .send(Readable.from(all()).pipe(csv));
}
