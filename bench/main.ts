/** `npm run bench -- <name> [args]`: benchmark scripts (not tests); each prints its figures. */
const benches: Record<string, (args: string[]) => Promise<void>> = {
  ingest: async (args) => { await (await import('./ingest.ts')).runIngestBench(args[0]); await (await import('./ingest-segment.ts')).runSegmentIngestBench(args[0]); },
  segments: async (args) => (await import('./segments.ts')).runSegmentsBench(args[0]),
  realtime: async (args) => (await import('./realtime.ts')).runRealtimeBench(args[0]),
  import: async (args) => (await import('./import.ts')).runImportBench(args),
  console: async (args) => (await import('./console.ts')).runConsoleBench(args[0]),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join(' | ')}> [pglite | postgres]`);
  process.exit(2);
}
await bench(process.argv.slice(3));
