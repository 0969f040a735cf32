/**
 * Limits per caller, by plan (config `rateLimits`): the operation's measure
 * (gateway/limits/measure.ts) against the plan's maxDepth / maxAliases /
 * maxCost (or `limits.*`), then requests and cost per window from the
 * limiter store, keyed by token id, or by client address for callers
 * without a token. Over a limit: 429 RATE_LIMITED with Retry-After; every
 * answer of a counted caller carries the RateLimit / RateLimit-Policy
 * headers (gateway/limits/headers.ts).
 */
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { GatewayError, type GatewayErrorCode } from '../errors.js';
import {
  measureOperation,
  rateLimitHeaders,
  type LimiterStore,
  type LimitCounter,
  type LimitOutcome,
} from '../limits/index.js';
import type { Logger } from '../logger.js';

/** One plan as configured: every member optional (a record's entries are not filled with defaults). */
interface PlanConfig {
  readonly requests?: number;
  readonly cost?: number;
  readonly maxDepth?: number;
  readonly maxAliases?: number;
  readonly maxCost?: number;
}

interface Plan {
  readonly name: string;
  readonly maxDepth?: number;
  readonly maxAliases?: number;
  readonly maxCost?: number;
  readonly requests?: LimitCounter;
  readonly cost?: LimitCounter;
}

export interface CallerLimits {
  /** The plan a caller's limits come from, or undefined (only `limits.*`). */
  planOf(caller: Caller): Plan | undefined;
  readonly limits: ResolvedConfig['limits'];
  readonly logger: Logger;
}

/**
 * Builds every plan's counters once. Throws CONFIG_INVALID when
 * `defaultPlan` or `anonymousPlan` names a plan that is not configured.
 */
export function createCallerLimits(
  config: Pick<ResolvedConfig, 'rateLimits' | 'limits'>,
  store: LimiterStore,
  logger: Logger,
): CallerLimits {
  const { rateLimits } = config;
  const plans = new Map<string, Plan>();
  for (const [name, raw] of Object.entries(rateLimits.plans as Record<string, PlanConfig>)) {
    const counter = (
      kind: 'requests' | 'cost',
      points: number | undefined,
    ): LimitCounter | undefined =>
      points === undefined || points === 0
        ? undefined
        : store.counter({
            name: `${name}:${kind}`,
            points,
            windowSeconds: rateLimits.windowSeconds,
          });
    const requests = counter('requests', raw.requests);
    const cost = counter('cost', raw.cost);
    plans.set(name, {
      name,
      ...(raw.maxDepth === undefined ? {} : { maxDepth: raw.maxDepth }),
      ...(raw.maxAliases === undefined ? {} : { maxAliases: raw.maxAliases }),
      ...(raw.maxCost === undefined ? {} : { maxCost: raw.maxCost }),
      ...(requests ? { requests } : {}),
      ...(cost ? { cost } : {}),
    });
  }
  for (const option of ['defaultPlan', 'anonymousPlan'] as const) {
    const name = rateLimits[option];
    if (name !== null && !plans.has(name)) {
      throw new GatewayError({
        code: 'CONFIG_INVALID',
        safeMessage: `Config option "rateLimits.${option}" names the plan "${name}", which rateLimits.plans does not define.`,
        details: { path: `rateLimits.${option}` },
      });
    }
  }
  const byDefault = rateLimits.defaultPlan === null ? undefined : plans.get(rateLimits.defaultPlan);
  const anonymous =
    rateLimits.anonymousPlan === null ? undefined : plans.get(rateLimits.anonymousPlan);
  return {
    planOf: (caller) =>
      caller.kind === 'anonymous'
        ? anonymous
        : ((caller.plan === undefined ? undefined : plans.get(caller.plan)) ?? byDefault),
    limits: config.limits,
    logger,
  };
}

/** The highest depth and alias limits any caller may have: graphql-armor's coarse gate before validation. */
export function outerLimits(config: Pick<ResolvedConfig, 'rateLimits' | 'limits'>): {
  maxDepth: number;
  maxAliases: number;
} {
  const plans = Object.values(config.rateLimits.plans as Record<string, PlanConfig>);
  return {
    maxDepth: Math.max(config.limits.maxDepth, ...plans.map((plan) => plan.maxDepth ?? 0)),
    maxAliases: Math.max(config.limits.maxAliases, ...plans.map((plan) => plan.maxAliases ?? 0)),
  };
}

function limitError(
  code: Extract<GatewayErrorCode, `LIMIT_${string}`>,
  message: string,
  limit: number,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, http: { status: 400 } } });
}

/** Who a counter counts: the token, or the client address of a caller without one. */
function counterKey(caller: Caller): string {
  return caller.kind === 'anonymous' ? `address:${caller.address}` : `token:${caller.id}`;
}

type Refusal = readonly GraphQLError[] | undefined;

/** Stops the operation with the errors, when there are any; waits only for an outcome still to come. */
function refuseWith(
  outcome: Refusal | Promise<Refusal>,
  stop: (result: { errors: readonly GraphQLError[] }) => void,
): void | Promise<void> {
  if (outcome instanceof Promise)
    return outcome.then((errors) => {
      if (errors !== undefined) stop({ errors });
    });
  if (outcome !== undefined) stop({ errors: outcome });
}

interface Args {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variableValues?: Readonly<Record<string, unknown>> | null;
  readonly contextValue: { readonly caller: Caller; readonly request?: Request };
}

/**
 * @param onRefused told the plan of each request refused for its rate
 *   (the gateway's metrics: switchboard_token_rate_limited_total)
 */
export function useRateLimit(
  callerLimits: CallerLimits,
  onRefused?: (plan: string) => void,
): Plugin<{ caller: Caller; request: Request }> {
  const { limits, logger } = callerLimits;
  /** What each request's counters said, for its response's headers. */
  const outcomes = new WeakMap<Request, LimitOutcome[]>();

  /**
   * The errors that refuse the operation, or undefined to let it run. Synchronous
   * unless the caller's plan has counters to take: a hook that returns a promise
   * makes envelop chain every later hook of the request through promises.
   */
  const check = (args: Args): Refusal | Promise<Refusal> => {
    const { caller } = args.contextValue;
    const plan = callerLimits.planOf(caller);
    const measure = measureOperation(
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
    );
    if (measure === undefined) return undefined;
    // Depth and aliases: graphql-armor already held every caller to the highest limit; a plan's own is checked here.
    if (plan?.maxDepth !== undefined && measure.depth > plan.maxDepth)
      return [
        limitError(
          'LIMIT_DEPTH_EXCEEDED',
          `The operation nests ${measure.depth} levels deep; this caller's plan allows ${plan.maxDepth}.`,
          plan.maxDepth,
        ),
      ];
    if (plan?.maxAliases !== undefined && measure.aliases > plan.maxAliases)
      return [
        limitError(
          'LIMIT_ALIASES_EXCEEDED',
          `The operation uses ${measure.aliases} aliases; this caller's plan allows ${plan.maxAliases}.`,
          plan.maxAliases,
        ),
      ];
    const maxCost = plan?.maxCost ?? limits.maxCost;
    if (measure.cost > maxCost)
      return [
        limitError(
          'LIMIT_COST_EXCEEDED',
          `The operation's cost is ${measure.cost > 1e12 ? 'over 10^12' : Math.ceil(measure.cost)}; the limit is ${maxCost} (list sizes count, see docs/partners.md).`,
          maxCost,
        ),
      ];
    if (plan === undefined || (plan.requests === undefined && plan.cost === undefined))
      return undefined;
    return count(args, plan, measure.cost);
  };

  /** Takes the plan's counters for this operation; the errors when one of them refuses it. */
  const count = async (
    args: Args,
    plan: NonNullable<ReturnType<CallerLimits['planOf']>>,
    cost: number,
  ): Promise<Refusal> => {
    const { caller } = args.contextValue;
    const key = counterKey(caller);
    const taken: LimitOutcome[] = [];
    try {
      if (plan.requests)
        taken.push({
          name: 'requests',
          policy: plan.requests.policy,
          decision: await plan.requests.consume(key, 1),
        });
      if (plan.cost)
        taken.push({
          name: 'cost',
          policy: plan.cost.policy,
          decision: await plan.cost.consume(key, Math.max(1, cost)),
        });
    } catch (error) {
      // The store failed beyond its fallback: let the request through rather than fail every caller.
      logger.warn('rate limits: a counter failed; the request was not counted', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
    const request = args.contextValue.request;
    if (request !== undefined) outcomes.set(request, taken);
    const refused = taken.find(({ decision }) => !decision.allowed);
    if (refused === undefined) return undefined;
    onRefused?.(plan.name);
    const headers = rateLimitHeaders(taken);
    const retryAfterSeconds = Number(headers['Retry-After']);
    const what =
      refused.name === 'requests'
        ? `${refused.policy.points} requests`
        : `a query cost of ${refused.policy.points}`;
    return [
      new GraphQLError(
        `Too many requests: the plan "${plan.name}" allows ${what} per ${refused.policy.windowSeconds} s. Retry after ${retryAfterSeconds} s.`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            policy: refused.name,
            limit: refused.policy.points,
            windowSeconds: refused.policy.windowSeconds,
            retryAfterSeconds,
            http: { status: 429, headers },
          },
        },
      ),
    ];
  };

  return {
    onExecute({ args, setResultAndStopExecution }) {
      return refuseWith(check(args), setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      return refuseWith(check(args), setResultAndStopExecution);
    },
    onResponse({ request, response }) {
      const taken = outcomes.get(request);
      if (taken === undefined) return;
      for (const [name, value] of Object.entries(rateLimitHeaders(taken)))
        if (!response.headers.has(name)) response.headers.set(name, value);
    },
  };
}
