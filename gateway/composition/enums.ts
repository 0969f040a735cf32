/**
 * @enumFrom at run time: each unified enum serialises the source values it
 * stands for. Done on the enum type itself, so a value is mapped wherever it
 * appears (a field, a list, a nested object) without a resolver per field.
 */
import { isEnumType, type GraphQLSchema } from 'graphql';
import { GatewayError } from '../errors.js';
import { enumSourceValues } from './bindings.js';

/**
 * Makes every enum of `executable` accept the source values `withBindings`
 * maps to it (and its own names). A value nobody maps is a field error that
 * names the value and the enum, never a silent null.
 */
export function applyEnumMappings(executable: GraphQLSchema, withBindings: GraphQLSchema): void {
  for (const type of Object.values(executable.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith('__')) continue;
    const bound = withBindings.getType(type.name);
    if (!isEnumType(bound)) continue;
    const map = new Map<string, string>();
    for (const value of bound.getValues()) {
      map.set(value.name, value.name);
      for (const sourceValue of enumSourceValues(value.astNode?.directives))
        map.set(sourceValue, value.name);
    }
    const name = type.name;
    type.serialize = (value: unknown): string => {
      const mapped = typeof value === 'string' ? map.get(value) : undefined;
      if (mapped !== undefined) return mapped;
      const shown = typeof value === 'string' ? `"${value.slice(0, 60)}"` : typeof value;
      // A SwitchboardError, so the masking plugin shows its safe message and code.
      throw new GatewayError({
        code: 'BINDING_VALUE_INVALID',
        safeMessage: `The source value ${shown} has no value in enum ${name}; add it to an @enumFrom of ${name}.`,
      });
    };
  }
}
