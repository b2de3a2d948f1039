#!/usr/bin/env node
// The `audience` command (npx audience ...): runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
