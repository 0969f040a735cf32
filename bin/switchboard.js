#!/usr/bin/env node
// The `switchboard` command. Registers tsx so TypeScript config files and the
// gateway's own sources load without a build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

// Before anything loads graphql-js: outside NODE_ENV=production it backs every
// failed instanceof with a second check (a guard against two copies of graphql
// in one bundle), ~2% of a request's CPU in the gateway (issue 15). The command
// runs an application, not a library under development; an explicit NODE_ENV
// is kept. Nothing else we load changes behaviour on "production" (Yoga and
// envelop look only for "development" and "test").
process.env.NODE_ENV ??= 'production';

register();
const { main } = await import('../gateway/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
