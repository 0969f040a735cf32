/**
 * The three demo systems and the admin endpoint in a process of their own, so
 * the bench's load generator and the gateway do not share their event loop.
 * Prints one JSON line with the URLs, then runs until SIGTERM.
 */
import { DEMO_SYSTEMS, startAdmin } from '../demo/index.js';

const systems = await Promise.all(DEMO_SYSTEMS.map((system) => system.start({ port: 0 })));
const admin = await startAdmin({ systems, port: 0 });
process.stdout.write(
  `${JSON.stringify({ admin: admin.url, ...Object.fromEntries(systems.map((system) => [system.name, { url: system.url, contract: system.contract }])) })}\n`,
);

const stop = async (): Promise<void> => {
  await admin.close();
  await Promise.all(systems.map((system) => system.close()));
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
