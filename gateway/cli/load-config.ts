/**
 * Loads a config file wherever it is. A `.ts` config outside a folder whose
 * package.json says `"type": "module"` would be loaded as CommonJS by tsx,
 * and importing an ES module from it fails ("Cannot require() ES Module … in
 * a cycle"). So the file is transformed to an ES module with esbuild (what
 * tsx itself runs on) and imported from a temporary `.mjs` beside it, so its
 * relative imports resolve as written; the copy is removed at once. Vite
 * loads its own config files the same way. A syntax error is reported as
 * file:line:column and esbuild's message.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform, type Message } from 'esbuild';
import type { SwitchboardConfig } from '../config/index.js';
import { GatewayError } from '../errors.js';

function unreadable(file: string, why: string, cause?: unknown): GatewayError {
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `The config file ${file} could not be loaded: ${why}`,
    details: { path: file },
    cause,
  });
}

/** "file:line:column message", as editors print it. */
function syntaxError(file: string, message: Message | undefined): string {
  const at = message?.location;
  return at
    ? `${file}:${at.line}:${at.column + 1} ${message.text}`
    : (message?.text ?? 'it is not valid TypeScript');
}

/** Sources are promises the config creates at once; one that fails is reported by resolveConfig, never as an unhandled rejection. */
function quietSources(config: object): void {
  const { sources } = config as { sources?: unknown };
  if (!Array.isArray(sources)) return;
  for (const source of sources) if (source instanceof Promise) source.catch(() => undefined);
}

/**
 * Imports a config file and returns its default export (a function's result
 * when it exports one); `start` and `check` share it. The process first moves
 * to the file's folder, so the relative paths the config names (`contract`,
 * `schema`, `includeDirs`) mean the same wherever the command is run from.
 */
export async function loadConfig(file: string): Promise<SwitchboardConfig> {
  const path = resolve(file);
  process.chdir(dirname(path));
  let code: string;
  try {
    code = await readFile(path, 'utf8');
  } catch (cause) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `No config file at ${file}.`,
      details: { path: file },
      cause,
    });
  }
  let compiled: string;
  try {
    compiled = (
      await transform(code, {
        loader: path.endsWith('.js') || path.endsWith('.mjs') ? 'js' : 'ts',
        format: 'esm',
        sourcefile: file,
        target: 'node20',
      })
    ).code;
  } catch (cause) {
    throw unreadable(file, syntaxError(file, (cause as { errors?: Message[] }).errors?.[0]), cause);
  }
  // Beside the original, so `./gateway/index.js` and `../schema/…` resolve as the author wrote them.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.mjs`);
  let loaded: { default?: unknown };
  try {
    await writeFile(temporary, compiled, { mode: 0o600 });
    loaded = (await import(pathToFileURL(temporary).href)) as { default?: unknown };
    // At once, before the next await: a source that already failed must not surface as an unhandled rejection.
    if (typeof loaded.default === 'object' && loaded.default !== null) quietSources(loaded.default);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw unreadable(file, (message ?? '').replaceAll(temporary, path), cause);
  } finally {
    await rm(temporary, { force: true });
  }
  const config =
    typeof loaded.default === 'function'
      ? await (loaded.default as () => unknown)()
      : await loaded.default;
  if (typeof config !== 'object' || config === null) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `The config file ${file} should export a config as default (export default defineConfig({...})).`,
      details: { path: file },
    });
  }
  quietSources(config);
  return config as SwitchboardConfig;
}
