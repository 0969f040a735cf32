/**
 * Adds what the pipeline told a request (a stale answer served, …) to the
 * answer's `extensions.notices`, so a caller knows a value may be old
 * without reading logs. Nothing is added when there is nothing to say.
 */
import { handleStreamOrSingleExecutionResult } from '@envelop/core';
import type { Plugin } from 'graphql-yoga';
import type { CallNotice } from '../pipeline/index.js';

export function useNotices(): Plugin<{ notices?: CallNotice[] }> {
  return {
    onExecute({ args }) {
      const { notices } = args.contextValue;
      return {
        onExecuteDone(payload) {
          if (notices === undefined) return;
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (notices.length === 0) return;
            setResult({ ...result, extensions: { ...result.extensions, notices: [...notices] } });
          });
        },
      };
    },
  };
}
