import { Command } from 'commander';
import { AudienceError } from '../shared/errors.ts';
import { importCommands } from './import.ts';
import { segmentCommands } from './segments.ts';
import { userCommands } from './user.ts';
import { workspaceCommands } from './workspace.ts';

/** `audience` CLI: wiring only; each command group lives in its own file. */
const program = new Command('audience').description('Audience command line').showHelpAfterError();
workspaceCommands(program);
segmentCommands(program);
userCommands(program);
importCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof AudienceError) {
    console.error(`error: ${err.message}${err.path ? ` (at ${err.path})` : ''}`);
    process.exit(1);
  }
  throw err;
}
