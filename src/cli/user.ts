import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { ROLES, type Role } from '../users/service.ts';
import { withServices } from './context.ts';

/** Reads a password from the terminal without echoing it (or one line from a pipe). */
function promptPassword(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const out = rl as unknown as { _writeToOutput?: (s: string) => void };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (process.stdin.isTTY) process.stdout.write('\n');
      resolve(answer);
    });
    // After the question is shown, echo nothing of what is typed.
    if (process.stdin.isTTY) out._writeToOutput = () => {};
  });
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('console users (people who sign in to the web console)');
  user.command('create')
    .requiredOption('--workspace <id>', 'workspace id (see `audience workspace list`)')
    .requiredOption('--email <email>', 'the email they sign in with')
    .option('--role <role>', `${ROLES.join(' | ')}`, 'admin')
    .option('--name <name>', 'display name')
    .option('--password <password>', 'their password (prompted for when left out; avoid it on shared machines: shells keep history)')
    .description('add a console user to a workspace')
    .action(async (opts: { workspace: string; email: string; role: string; name?: string; password?: string }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        console.error(`error: --role must be one of ${ROLES.join(', ')}`);
        process.exit(1);
      }
      const password = opts.password ?? (await promptPassword('Password (8 characters or more): '));
      await withServices(async (s) => {
        await s.workspaces.get(opts.workspace);
        const u = await s.users.create({ workspaceId: opts.workspace, email: opts.email, password, role: opts.role as Role, name: opts.name });
        console.log(`User ${u.email} (${u.role}) created in workspace ${u.workspace_id}. They can sign in to the console now.`);
      });
    });
  user.command('list')
    .requiredOption('--workspace <id>', 'workspace id')
    .description("list a workspace's console users")
    .action((opts: { workspace: string }) =>
      withServices(async (s) => {
        for (const u of await s.users.list(opts.workspace)) console.log(`${u.id}  ${u.role.padEnd(6)}  ${u.email}${u.name ? `  (${u.name})` : ''}`);
      }),
    );
}
