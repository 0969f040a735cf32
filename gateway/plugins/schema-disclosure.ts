/**
 * What an endpoint tells a caller about its schema beyond what was asked:
 * introspection (`__schema`, `__type`) and the validator's "Did you mean …?"
 * suggestions, which name fields and types the caller did not send. Both are
 * per-endpoint settings. Hand-written because each is a few lines on top of
 * graphql-js (NoSchemaIntrospectionCustomRule is graphql-js's own rule).
 */
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface SchemaDisclosureOptions {
  /** Answer introspection queries (GraphiQL and codegen need them). */
  readonly introspection: boolean;
  /** Keep "Did you mean …?" in validation errors. */
  readonly suggestions: boolean;
}

/** Drops graphql-js's suggestion sentence ("Did you mean "a", "b", or "c"?") from a message. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

export function useSchemaDisclosure({
  introspection,
  suggestions,
}: SchemaDisclosureOptions): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
      if (suggestions) return undefined;
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((error) => {
            const message = withoutSuggestions(error.message);
            if (message === error.message) return error;
            return new GraphQLError(message, {
              nodes: error.nodes,
              source: error.source,
              positions: error.positions,
              path: error.path,
              extensions: error.extensions,
            });
          }),
        );
      };
    },
  };
}
