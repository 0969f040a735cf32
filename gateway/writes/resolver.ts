/**
 * The resolver of every write mutation (a Mutation field with @step): takes
 * the caller's idempotency key, runs the write through the write service on
 * the context, and answers only once the journal says how the write
 * settled. The answer's `extensions.write` is filled by plugins/write-report.ts.
 */
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { GatewayContext } from '../context.js';
import { refusalOf, reportOf, writeErrorOf } from './answer.js';
import { journalCaller } from './caller.js';
import type { WriteDefinition } from './definition.js';

/** The header a caller sends its key in (the IETF httpapi draft's name, as Stripe uses it). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

function refused(code: string, message: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/**
 * The caller's key: the `Idempotency-Key` header, or the mutation's
 * `idempotencyKey` argument (top level, or a field of its `input`). When
 * both are given they must agree.
 */
export function callerKey(
  header: string | undefined,
  args: Readonly<Record<string, unknown>>,
): string | undefined {
  const input = args.input;
  const fromArgs =
    typeof args.idempotencyKey === 'string'
      ? args.idempotencyKey
      : input !== null &&
          typeof input === 'object' &&
          typeof (input as Record<string, unknown>).idempotencyKey === 'string'
        ? ((input as Record<string, unknown>).idempotencyKey as string)
        : undefined;
  if (header !== undefined && fromArgs !== undefined && header !== fromArgs) {
    throw refused(
      'IDEMPOTENCY_KEY_INVALID',
      'The Idempotency-Key header and the idempotencyKey argument differ; send one key.',
      400,
    );
  }
  return header ?? fromArgs;
}

export function writeResolver(
  definition: WriteDefinition,
): GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>> {
  return async (_parent, args, ctx) => {
    const writes = ctx.writes;
    if (writes === undefined)
      throw refused(
        'WRITE_NOT_AVAILABLE',
        `${definition.mutation} cannot run: this gateway has no write journal.`,
        503,
      );
    const idempotencyKey = callerKey(ctx.idempotencyKey, args);
    let outcome;
    try {
      // Who asked, as the journal keeps it (caller.ts): the token's id and partner, never the token.
      outcome = await writes.run(definition, args, {
        ...journalCaller(ctx.caller, ctx.requestId),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        // The request's deadline bounds the answer, never the write: past it the caller hears WRITE_INCOMPLETE.
        signal: ctx.signal,
      });
    } catch (error) {
      throw refusalOf(error) ?? error;
    }
    ctx.writeReports?.push(reportOf(outcome.write, outcome.replayed));
    const failure = writeErrorOf(outcome.write);
    if (failure !== undefined) throw failure;
    return outcome.write.result;
  };
}
