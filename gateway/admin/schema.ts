/**
 * The admin GraphQL API's schema: the write journal for operators (the
 * operator page, scripts). A schema of its own, never merged into the
 * unified one, so nothing here can leak to callers through composition or
 * introspection of /graphql. Resolvers call operator.ts, as the CLI does,
 * so both check and refuse alike; replays and discards are recorded as
 * done by "admin".
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import {
  auditTrail,
  discardWrite,
  listWrites,
  parseTime,
  replayWrite,
  showWrite,
  type AuditEntry,
  type Step,
  type Write,
  type WriteJournal,
  type WriteRunner,
} from '../writes/index.js';
import { callerName } from '../writes/index.js';

/** Who the admin API's replays and discards are recorded as. */
export const ADMIN_ACTOR = 'admin';

export interface AdminWrites {
  readonly journal: WriteJournal;
  readonly runner?: WriteRunner | undefined;
}

const typeDefs = /* GraphQL */ `
  "Any JSON value, as the journal stored it (a write's input, a step's request and result)."
  scalar JSON

  enum WriteState {
    PLANNED
    RUNNING
    SUCCEEDED
    COMPENSATING
    COMPENSATED
    DEAD_LETTERED
    REPLAYING
    DISCARDED
  }
  enum StepState {
    PENDING
    SENT
    SUCCEEDED
    FAILED_TRANSIENT
    FAILED_PERMANENT
    UNKNOWN
    COMPENSATED
    COMPENSATION_FAILED
    SKIPPED
  }

  "Who asked for a write: the caller's id (a token's id, or \\"anonymous\\"; never a token), its partner, the request."
  type Caller {
    id: String!
    partner: String
    requestId: String!
  }

  "A safe account of a failure: no stacks, URLs or bodies."
  type Failure {
    code: String!
    message: String!
    source: String
    step: Int
  }

  type Step {
    index: Int!
    source: String!
    operation: String!
    state: StepState!
    attempts: Int!
    "backend-key, natural-key, idempotent, read or none."
    repeatSafety: String!
    "The natural-key lookup operation, when repeatSafety is natural-key."
    lookup: String
    "The operation that undoes the step, or null when it cannot be undone."
    compensation: String
    "Why the step cannot be undone, when it cannot."
    compensationNone: String
    idempotencyKey: String!
    "The arguments last sent, as the executor recorded them."
    request: JSON
    "The system's answer when the step succeeded."
    result: JSON
    error: Failure
    "ISO 8601."
    updatedAt: String!
  }

  type Write {
    id: ID!
    mutation: String!
    state: WriteState!
    caller: Caller!
    idempotencyKey: String
    input: JSON
    result: JSON
    reason: String
    error: Failure
    steps: [Step!]!
    claimOwner: String
    "ISO 8601."
    createdAt: String!
    updatedAt: String!
  }

  type AuditStep {
    index: Int!
    source: String!
    operation: String!
    state: StepState!
  }

  type AuditEntry {
    "Increases with every entry; as a string, since it may outgrow Int."
    seq: String!
    "ISO 8601."
    at: String!
    writeId: ID!
    mutation: String!
    caller: Caller!
    "Who did it: a gateway instance, \\"cli\\" or \\"admin\\"."
    actor: String!
    "planned, state, step, claimed or note."
    event: String!
    state: WriteState!
    step: AuditStep
    detail: String
  }

  type Query {
    "Writes, newest first. limit 1 to 500 (default 50); before: an ISO time, for paging."
    writes(states: [WriteState!], limit: Int, before: String): [Write!]!
    "One write, or null when no write has this id."
    write(id: ID!): Write
    "The dead-letter queue, newest first."
    deadLetters(limit: Int): [Write!]!
    "The audit trail, oldest first. since / until: an ISO time or a duration back from now (1h, 7d). limit 1 to 1000 (default 100)."
    audit(since: String, until: String, writeId: ID, partner: String, limit: Int): [AuditEntry!]!
  }

  type Mutation {
    "Replays a dead letter through the gateway's executor; the steps keep their keys."
    replayWrite(id: ID!): Write!
    "Gives a dead letter up, with a reason kept in the audit trail."
    discardWrite(id: ID!, reason: String!): Write!
  }
`;

const iso = (ms: number): string => new Date(ms).toISOString();

const JSON_SCALAR = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  // The API takes no JSON arguments; a literal or variable of this type is never read.
  parseValue: (value) => value,
});

function callerOf(write: Pick<Write, 'caller'>): {
  id: string;
  partner: string | null;
  requestId: string;
} {
  return {
    id: callerName(write.caller),
    partner: write.caller.partner ?? null,
    requestId: write.caller.requestId,
  };
}

/** The GraphQL names of the journal's states (enum values cannot hold "-"). */
const enumValues = (values: readonly string[]): Record<string, string> =>
  Object.fromEntries(values.map((value) => [value.toUpperCase().replaceAll('-', '_'), value]));

export function createAdminSchema(writes: AdminWrites): GraphQLSchema {
  const { journal } = writes;
  return makeExecutableSchema({
    typeDefs,
    resolvers: {
      JSON: JSON_SCALAR,
      WriteState: enumValues([
        'planned',
        'running',
        'succeeded',
        'compensating',
        'compensated',
        'dead-lettered',
        'replaying',
        'discarded',
      ]),
      StepState: enumValues([
        'pending',
        'sent',
        'succeeded',
        'failed-transient',
        'failed-permanent',
        'unknown',
        'compensated',
        'compensation-failed',
        'skipped',
      ]),
      Write: {
        caller: callerOf,
        createdAt: (write: Write) => iso(write.createdAt),
        updatedAt: (write: Write) => iso(write.updatedAt),
      },
      Step: {
        repeatSafety: (step: Step) => step.repeatSafety.kind,
        lookup: (step: Step) =>
          step.repeatSafety.kind === 'natural-key' ? step.repeatSafety.lookup : null,
        compensation: (step: Step) =>
          step.compensation.kind === 'operation' ? step.compensation.operation : null,
        compensationNone: (step: Step) =>
          step.compensation.kind === 'none' ? step.compensation.reason : null,
        updatedAt: (step: Step) => iso(step.updatedAt),
      },
      AuditEntry: {
        seq: (entry: AuditEntry) => String(entry.seq),
        at: (entry: AuditEntry) => iso(entry.at),
        caller: callerOf,
      },
      Query: {
        writes: (
          _: unknown,
          args: { states?: Write['state'][] | null; limit?: number | null; before?: string | null },
        ) =>
          listWrites(journal, {
            ...(args.states == null ? {} : { states: args.states }),
            ...(args.limit == null ? {} : { limit: args.limit }),
            ...(args.before == null
              ? {}
              : { before: parseTime(args.before, Date.now(), 'before') }),
          }),
        write: async (_: unknown, args: { id: string }) => {
          try {
            return await showWrite(journal, args.id);
          } catch (error) {
            if ((error as { code?: unknown }).code === 'WRITE_NOT_FOUND') return null;
            throw error;
          }
        },
        deadLetters: (_: unknown, args: { limit?: number | null }) =>
          listWrites(journal, {
            states: ['dead-lettered'],
            ...(args.limit == null ? {} : { limit: args.limit }),
          }),
        audit: (
          _: unknown,
          args: {
            since?: string | null;
            until?: string | null;
            writeId?: string | null;
            partner?: string | null;
            limit?: number | null;
          },
        ) => {
          const now = Date.now();
          return auditTrail(journal, {
            ...(args.since == null ? {} : { since: parseTime(args.since, now, 'since') }),
            ...(args.until == null ? {} : { until: parseTime(args.until, now, 'until') }),
            ...(args.writeId == null ? {} : { writeId: args.writeId }),
            ...(args.partner == null ? {} : { partner: args.partner }),
            ...(args.limit == null ? {} : { limit: args.limit }),
          });
        },
      },
      Mutation: {
        replayWrite: (_: unknown, args: { id: string }) =>
          replayWrite(writes, args.id, ADMIN_ACTOR),
        discardWrite: (_: unknown, args: { id: string; reason: string }) =>
          discardWrite(journal, args.id, ADMIN_ACTOR, args.reason),
      },
    },
  });
}
