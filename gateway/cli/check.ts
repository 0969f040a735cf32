/**
 * `switchboard check`: what CI runs when a backend contract or the unified
 * schema changes. It composes the schema against the sources' contracts,
 * offline, and compares what callers would see with the committed artifact
 * (schema/commerce.composed.graphql).
 *
 * Exit 0: it composes and nothing breaks a caller (dangerous changes are
 * printed as warnings). Exit 1: a binding no longer lines up with a
 * contract, a change would break callers, or the artifact is missing or
 * unreadable. `--write` records the fresh composition as the artifact, for
 * when the change is intended; it still fails on a broken composition.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Source } from '../../sources/common/index.js';
import {
  ComposedSdlError,
  composeSchema,
  diffComposed,
  formatCompositionIssue,
  type Change,
  type CompositionIssue,
} from '../composition/index.js';
import { resolveConfig, type SwitchboardConfig } from '../config/index.js';
import { GatewayError } from '../errors.js';
import { EXIT, type CliIo } from './output.js';
import { loadConfig } from './load-config.js';
import { DEFAULT_CONFIG_FILE } from './start.js';

/** Beside the first schema file: schema/commerce.graphql → schema/commerce.composed.graphql. */
export function composedArtifactPath(firstSchemaFile: string): string {
  return join(
    dirname(firstSchemaFile),
    `${basename(firstSchemaFile, extname(firstSchemaFile))}.composed.graphql`,
  );
}

export async function check(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', default: DEFAULT_CONFIG_FILE },
      write: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const configFile = values.config ?? DEFAULT_CONFIG_FILE;
  // Paths are shown as seen from where the command was run; loadConfig then moves to the config's folder.
  const shownFrom = process.cwd();
  const config = await loadConfig(configFile);
  // The factories read contracts only; no backend is called, so check runs in CI without the systems.
  // Contracts first: an unreadable contract is the mistake to report, whatever else is missing.
  const { sources } = await resolveConfig(config);
  try {
    const schemaFiles = schemaFilesOf(config, configFile);
    const shown = (file: string): string => displayPath(file, shownFrom);
    const documents = await Promise.all(
      schemaFiles.map((file) => readSchemaFile(file, shown(file))),
    );
    for (const source of sources)
      for (const warning of source.warnings)
        io.err(`warning: ${source.name}: ${warning.path}: ${warning.message}\n`);
    const composition = composeSchema({ documents, sources });
    for (const warning of composition.warnings)
      io.err(`warning: ${formatCompositionIssue(warning)}\n`);
    if (!composition.ok) return reportIssues(composition.errors, io);
    const artifact = composedArtifactPath(schemaFiles[0] as string);
    io.out(`Composed ${schemaFiles.map(shown).join(', ')} over ${describeSources(sources)}.\n`);
    return await compareWithArtifact(
      { path: artifact, shown: shown(artifact) },
      composition.composedSdl,
      values.write === true,
      io,
    );
  } finally {
    await Promise.allSettled(sources.map((source) => source.close()));
  }
}

/** The config's `schema` option as absolute paths (relative ones are relative to the config's folder, the working directory by now); CONFIG_INVALID when it is missing or not a list of paths. */
function schemaFilesOf(config: SwitchboardConfig, configFile: string): readonly string[] {
  const schema: unknown = (config as { schema?: unknown }).schema;
  const files = typeof schema === 'string' ? [schema] : schema;
  if (
    Array.isArray(files) &&
    files.length > 0 &&
    files.every((file): file is string => typeof file === 'string' && file.length > 0)
  )
    return files.map((file) => resolve(file));
  throw new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage:
      schema === undefined
        ? `${configFile} has no "schema" option, so there is nothing to check. Add schema: 'schema/commerce.graphql' (the unified schema's SDL files).`
        : `Config option "schema" should be a path or a non-empty list of paths to SDL files, instead got ${Array.isArray(schema) ? 'a list with a non-path' : typeof schema}.`,
    details: { path: 'schema' },
  });
}

/** Paths inside the folder the command ran from are shown relative to it (schema/commerce.graphql:42:5), others in full. */
function displayPath(file: string, shownFrom: string): string {
  const relativePath = relative(shownFrom, resolve(file));
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? resolve(file) : relativePath;
}

async function readSchemaFile(path: string, file: string): Promise<{ file: string; sdl: string }> {
  try {
    return { file, sdl: await readFile(path, 'utf8') };
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'ENOENT';
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: missing
        ? `The schema file ${file} does not exist.`
        : `The schema file ${file} could not be read.`,
      details: { path: 'schema' },
      cause,
    });
  }
}

function describeSources(sources: readonly Source[]): string {
  return `${sources.length} source${sources.length === 1 ? '' : 's'} (${sources.map((source) => source.name).join(', ')})`;
}

function reportIssues(errors: readonly CompositionIssue[], io: CliIo): number {
  for (const issue of errors) io.err(`${formatCompositionIssue(issue)}\n`);
  io.err(
    `switchboard check: the schema does not compose: ${errors.length} error${errors.length === 1 ? '' : 's'}. The gateway would refuse to start.\n`,
  );
  return EXIT.failed;
}

async function readArtifact(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ENOENT') return undefined;
    throw cause;
  }
}

// Line endings and trailing blanks are not part of a schema; a checkout with CRLF must not fail CI.
function normalise(sdl: string): string {
  return `${sdl.replace(/\r\n?/g, '\n').trimEnd()}\n`;
}

async function compareWithArtifact(
  target: { path: string; shown: string },
  composedSdl: string,
  write: boolean,
  io: CliIo,
): Promise<number> {
  const artifact = target.shown;
  const next = normalise(composedSdl);
  const committed = await readArtifact(target.path);
  const previous = committed === undefined ? undefined : normalise(committed);
  if (previous === undefined && !write) {
    // A new schema composed fine: nothing is broken, there is only no record yet of what callers see.
    io.out(
      `The schema composes. ${artifact} does not exist yet, so there is nothing to compare with: run "switchboard check --write" and commit it, so later changes are checked against it.\n`,
    );
    return EXIT.ok;
  }
  if (previous === next) {
    io.out(`No changes: ${artifact} is up to date.\n`);
    return EXIT.ok;
  }
  let breakingCount = 0;
  if (previous !== undefined) {
    try {
      breakingCount = printDiff(artifact, previous, next, io);
    } catch (error) {
      if (!(error instanceof ComposedSdlError) || error.side !== 'previous') throw error;
      io.err(
        `switchboard check: ${artifact} is not a valid composed schema${error.line === undefined ? '' : ` (line ${error.line}, column ${error.column ?? 1})`}. Run "switchboard check --write" to rewrite it.\n`,
      );
      if (!write) return EXIT.failed;
    }
  }
  if (write) {
    await writeFile(target.path, next, 'utf8');
    io.out(`Wrote ${artifact}. Commit it with the change.\n`);
    return EXIT.ok;
  }
  if (breakingCount > 0) {
    io.err(
      `switchboard check: ${breakingCount} breaking change${breakingCount === 1 ? '' : 's'} to what callers see. ` +
        `If intended, run "switchboard check --write" and commit ${artifact}; otherwise fix the contract or the schema.\n`,
    );
    return EXIT.failed;
  }
  io.out(
    `${artifact} differs from the fresh composition only in ways callers will not break on; run "switchboard check --write" to refresh it.\n`,
  );
  return EXIT.ok;
}

/** Prints the three lists; returns how many changes break callers. */
function printDiff(artifact: string, previous: string, next: string, io: CliIo): number {
  const { breaking, dangerous, safe } = diffComposed(previous, next);
  const line = (change: Change): string =>
    `  ${change.type}${change.path === undefined ? '' : ` ${change.path}`}: ${change.description}\n`;
  io.out(`Compared with ${artifact}:\n`);
  if (breaking.length > 0)
    io.err(`Breaking changes (${breaking.length}):\n${breaking.map(line).join('')}`);
  if (dangerous.length > 0)
    io.err(`Dangerous changes (${dangerous.length}), warnings:\n${dangerous.map(line).join('')}`);
  if (safe.length > 0) io.out(`Safe changes (${safe.length}):\n${safe.map(line).join('')}`);
  if (breaking.length + dangerous.length + safe.length === 0)
    io.out('  No changes to the schema, only to its text.\n');
  return breaking.length;
}
