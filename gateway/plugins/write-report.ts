/**
 * Adds what happened to the request's writes to the answer's extensions:
 * `extensions.write` (one write: its id, state and each step's state), or
 * `extensions.writes` (a list, when one request ran several).
 */
import { handleStreamOrSingleExecutionResult } from '@envelop/core';
import type { Plugin } from 'graphql-yoga';
import type { WriteReport } from '../writes/answer.js';

export function useWriteReports(): Plugin<{ writeReports?: WriteReport[] }> {
  return {
    onExecute({ args }) {
      const { writeReports } = args.contextValue;
      return {
        onExecuteDone(payload) {
          if (writeReports === undefined) return;
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (writeReports.length === 0) return;
            const extension =
              writeReports.length === 1
                ? { write: writeReports[0] }
                : { writes: [...writeReports] };
            setResult({ ...result, extensions: { ...result.extensions, ...extension } });
          });
        },
      };
    },
  };
}
