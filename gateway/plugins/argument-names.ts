/**
 * Names the argument in graphql-js's errors about a literal value
 * ("Expected value of type "BigInt", found "1e3"; …" says the type and
 * where, not which argument): each such validation error gets
 * `extensions.argument` (`input.lines[0].quantity`, as the input
 * constraints write it) and the name before its message. Variables need
 * nothing: their errors name the variable. The document is walked only when
 * validation failed, so a valid request costs nothing.
 */
import {
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Every value node inside an argument of `document`, with the argument's path to it. */
function argumentPlaces(document: DocumentNode): Map<ASTNode, string> {
  const places = new Map<ASTNode, string>();
  const place = (value: ValueNode, name: string): void => {
    places.set(value, name);
    if (value.kind === Kind.LIST)
      value.values.forEach((item, index) => place(item, `${name}[${index}]`));
    else if (value.kind === Kind.OBJECT)
      for (const field of value.fields) {
        places.set(field, `${name}.${field.name.value}`);
        place(field.value, `${name}.${field.name.value}`);
      }
  };
  visit(document, {
    Argument(node) {
      place(node.value, node.name.value);
    },
  });
  return places;
}

function named(error: GraphQLError, argument: string): GraphQLError {
  return new GraphQLError(`Argument "${argument}": ${error.message}`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, argument },
  });
}

export function useArgumentNames(): Plugin {
  return {
    onValidate({ params }) {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        let places: Map<ASTNode, string> | undefined;
        setResult(
          result.map((error) => {
            const node = error.nodes?.[0];
            if (node === undefined || error.extensions.argument !== undefined) return error;
            places ??= argumentPlaces(params.documentAST);
            const argument = places.get(node);
            return argument === undefined ? error : named(error, argument);
          }),
        );
      };
    },
  };
}
