import type { Command } from 'commander';
import { withServices } from './context.ts';

export function workspaceCommands(program: Command): void {
  const ws = program.command('workspace').description('workspaces and their API keys');
  ws.command('create')
    .argument('<name>', 'workspace name')
    .option('--timezone <tz>', 'IANA time zone for date rules', 'UTC')
    .description('create a workspace and print its first API key (shown once)')
    .action((name: string, opts: { timezone: string }) =>
      withServices(async (s) => {
        const { workspace, apiKey } = await s.workspaces.create({ name, timezone: opts.timezone });
        console.log(`Workspace "${workspace.name}" created (id ${workspace.id}, time zone ${workspace.timezone}).`);
        console.log(`API key (shown once, store it now):\n${apiKey}`);
      }),
    );
  ws.command('list')
    .description('list workspaces')
    .action(() =>
      withServices(async (s) => {
        for (const w of await s.workspaces.list()) console.log(`${w.id}  ${w.timezone.padEnd(20)}  ${w.name}`);
      }),
    );
  ws.command('key')
    .argument('<workspaceId>')
    .option('--kind <kind>', 'secret (full API) or write (tracking only)', 'secret')
    .option('--name <name>', 'a label for the key', 'CLI key')
    .description('create another API key for a workspace (shown once)')
    .action((workspaceId: string, opts: { kind: 'secret' | 'write'; name: string }) =>
      withServices(async (s) => {
        const { key } = await s.workspaces.createKey(workspaceId, opts);
        console.log(key);
      }),
    );
}
