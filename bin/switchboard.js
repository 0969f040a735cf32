#!/usr/bin/env node
// The `switchboard` command. In the checkout it runs the TypeScript sources
// through tsx (no build step); in an installed package, where only the
// compiled dist/ is shipped (package.json `files`), it runs plain JavaScript.
// The choice follows the sources' presence, never dist/'s: a checkout with a
// stale dist/ left by `npm pack` still runs what is checked out.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Before anything loads graphql-js: outside NODE_ENV=production it backs every
// failed instanceof with a second check (a guard against two copies of graphql
// in one bundle), ~2% of a request's CPU in the gateway (issue 15). The command
// runs an application, not a library under development; an explicit NODE_ENV
// is kept. Nothing else we load changes behaviour on "production" (Yoga and
// envelop look only for "development" and "test").
process.env.NODE_ENV ??= 'production';

const source = new URL('../gateway/cli/main.ts', import.meta.url);
let main;
if (existsSync(fileURLToPath(source))) {
  // tsx is a devDependency: imported only here, so the installed package never needs it.
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/gateway/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
