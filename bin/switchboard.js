#!/usr/bin/env node
// The `switchboard` command. Registers tsx so TypeScript config files and the
// gateway's own sources load without a build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../gateway/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
