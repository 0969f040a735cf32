/**
 * Operation limits: depth, aliases and tokens, from graphql-armor's plugins
 * (well kept, graphql 16, Node ≥ 18). Cost is measured by
 * gateway/limits/measure.ts instead (armor's ignores list sizes), and depth
 * and aliases again there for a caller whose plan sets its own: armor is
 * the coarse gate at the highest limit any caller has. Our part is only the error:
 * armor words it "Syntax Error: …" with no code; callers get a coded
 * GraphQL error instead (LIMIT_*_EXCEEDED), reported as a validation error.
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ResolvedConfig } from '../config/index.js';
import type { GatewayErrorCode } from '../errors.js';

type LimitCode = Extract<GatewayErrorCode, `LIMIT_${string}`>;

/** armor's rejection hook: report our coded error instead of throwing armor's. */
function reject(code: LimitCode, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const coded = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
      extensions: { code, limit },
    });
    // Parsing (tokens) has no validation context: there the error can only be thrown.
    if (context === null) throw coded;
    context.reportError(coded);
  };
}

/** `limits` with maxDepth and maxAliases raised to the highest any plan allows (plugins/rate-limit.ts outerLimits). */
export function useLimits(
  limits: Pick<ResolvedConfig['limits'], 'maxTokens' | 'maxDepth' | 'maxAliases'>,
): Plugin {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        maxTokensPlugin({
          ...common,
          n: limits.maxTokens,
          onReject: [reject('LIMIT_TOKENS_EXCEEDED', limits.maxTokens)],
        }) as Plugin,
      );
      addPlugin(
        maxDepthPlugin({
          ...common,
          n: limits.maxDepth,
          onReject: [reject('LIMIT_DEPTH_EXCEEDED', limits.maxDepth)],
        }) as Plugin,
      );
      addPlugin(
        maxAliasesPlugin({
          ...common,
          n: limits.maxAliases,
          onReject: [reject('LIMIT_ALIASES_EXCEEDED', limits.maxAliases)],
        }) as Plugin,
      );
    },
  };
}
