/**
 * Segment's clock-skew correction: a device's clock may be wrong, but it is wrong by the same amount when
 * the event happened (`timestamp`) and when the batch was sent (`sentAt`), so the event's true time is
 * timestamp + (receivedAt - sentAt), receivedAt being the server's clock. Without `sentAt`, or when either
 * value is not a date, the timestamp is kept as sent (the pipeline validates it).
 */
export function correctedTimestamp(args: { timestamp: unknown; sentAt: unknown; receivedAt: Date }): string | undefined {
  const { timestamp, sentAt } = args;
  if (timestamp === undefined || timestamp === null) return undefined;
  const ts = typeof timestamp === 'string' ? timestamp : timestamp instanceof Date ? timestamp.toISOString() : String(timestamp);
  if (typeof sentAt !== 'string') return ts;
  const t = Date.parse(ts);
  const s = Date.parse(sentAt);
  if (Number.isNaN(t) || Number.isNaN(s) || !hasOffset(ts)) return ts;
  return new Date(t + (args.receivedAt.getTime() - s)).toISOString();
}

// Without an offset the pipeline reads a timestamp in the workspace time zone; Date.parse would read it
// in the server's, so such a timestamp is left to the pipeline uncorrected.
const hasOffset = (s: string): boolean => /(Z|[+-]\d{2}:?\d{2})$/i.test(s.trim());
