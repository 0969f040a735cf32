/**
 * The subgraph's model of a protobuf contract: which messages, enums and
 * RPCs appear, under which GraphQL names, and how each field maps. Built once
 * from a resolved protobufjs Root; the SDL (sdl.ts) and the value conversion
 * (values.ts) both read it, so the schema and the wire never disagree.
 *
 * Names are claimed in a fixed walk (services by full name, methods and
 * fields in contract order), so a .proto and the same server's reflection
 * yield the same names on every build.
 */
import protobuf from 'protobufjs';
import {
  createNameAllocator,
  RESERVED_TYPE_NAMES,
  toEnumValue,
  toFieldName,
  toTypeName,
  type NameAllocator,
  type SourceWarning,
  type ValueConstraint,
} from '../common/index.js';
import { fieldRules, integerConstraint, type IntegerBounds } from './field-rules.js';
import { scalarOf, wellKnownOf, type WellKnown } from './well-known.js';

export type ValueType =
  | { kind: 'scalar'; graphql: string; protoType: string }
  | { kind: 'wellKnown'; wellKnown: WellKnown; type: protobuf.Type }
  | { kind: 'enum'; model: EnumModel }
  | { kind: 'message'; model: MessageModel };

export interface FieldModel {
  readonly protoName: string;
  /** The GraphQL field name, unique within its type. */
  readonly name: string;
  readonly type: ValueType;
  readonly repeated: boolean;
  /** For map<k, v>: the key type and the entry types' names; `type` is the value type. */
  readonly map?: {
    key: ValueType;
    entryName: string;
    entryInputName: string;
    /** How protobufjs holds it: an object by key (parsed .proto), or a list of { key, value } entry messages (descriptor). */
    wire: 'object' | 'entries';
  };
  /** On output, may the field be absent (message fields, proto3 optional, oneof members)? */
  readonly nullable: boolean;
  readonly description?: string;
  /** Input only: the contract's field rules (buf.validate, validate.rules), printed as `@constraint`. */
  readonly constraint?: ValueConstraint;
  /** Field rules of a BigInt-typed integer, checked when the request is encoded. */
  readonly bounds?: IntegerBounds;
}

/** A real oneof: on output an object of nullable members, on input a @oneOf input object. */
export interface OneofModel {
  readonly protoName: string;
  readonly name: string;
  readonly typeName: string;
  readonly inputName: string;
  readonly members: readonly FieldModel[];
  readonly description?: string;
}

export type MemberModel =
  { kind: 'field'; field: FieldModel } | { kind: 'oneof'; oneof: OneofModel };

export interface MessageModel {
  readonly fullName: string;
  readonly name: string;
  readonly inputName: string;
  readonly type: protobuf.Type;
  /** Fields and oneofs in contract order (a oneof sits where its first member is declared). */
  readonly members: MemberModel[];
  readonly description?: string;
}

export interface EnumModel {
  readonly fullName: string;
  readonly name: string;
  /** In contract order; aliases (allow_alias) keep only their first name. */
  readonly values: ReadonlyArray<{ protoName: string; name: string; number: number }>;
  readonly description?: string;
}

export interface MethodModel {
  /** The gRPC path, e.g. "/billing.v1.BillingService/GetPrice". */
  readonly path: string;
  readonly service: string;
  readonly method: string;
  readonly name: string;
  readonly streaming: 'unary' | 'server';
  readonly request: ValueType;
  readonly response: ValueType;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  /** protobuf's `idempotency_level` method option, when the contract sets one. */
  readonly idempotencyLevel?: 'NO_SIDE_EFFECTS' | 'IDEMPOTENT';
  readonly description?: string;
}

export interface ContractModel {
  readonly methods: readonly MethodModel[];
  readonly warnings: readonly SourceWarning[];
}

function describe(comment: string | null | undefined): string | undefined {
  const text = comment?.trim();
  return text ? text : undefined;
}

/** "billing.v1.Invoice.Line" → "Invoice.Line": the package is dropped, enclosing messages are kept. */
function localName(reflection: protobuf.ReflectionObject): string {
  const parts = [reflection.name];
  for (let parent = reflection.parent; parent instanceof protobuf.Type; parent = parent.parent)
    parts.unshift(parent.name);
  return parts.join('.');
}

/**
 * The oneof protoc makes for a proto3 `optional` field. protobufjs marks its
 * field when it parses a .proto, but loses the mark when it reads a
 * descriptor (reflection), so protoc's naming rule ("_" + field) is checked too.
 */
/** The innermost package segment of a message or enum: "edge.other.Node" → "other". */
function packageSegment(reflection: protobuf.ReflectionObject): string {
  let parent = reflection.parent;
  while (parent instanceof protobuf.Type) parent = parent.parent;
  return parent && !(parent instanceof protobuf.Root) ? parent.name : '';
}

/**
 * A type's GraphQL name: its local name ("Invoice.Line" → "InvoiceLine");
 * when another package took that already, the package's last segment in front
 * ("edge.other.Node" → "OtherNode"); past that, a number.
 */
function claimTypeName(names: NameAllocator, reflection: protobuf.ReflectionObject): string {
  const base = toTypeName(localName(reflection));
  if (!names.has(base)) return names.claim(base);
  const qualified = toTypeName(`${packageSegment(reflection)}.${localName(reflection)}`);
  return names.claim(names.has(qualified) ? base : qualified);
}

function isSynthetic(oneof: protobuf.OneOf): boolean {
  const [only] = oneof.fieldsArray;
  return (
    oneof.fieldsArray.length === 1 &&
    (only?.options?.proto3_optional === true || oneof.name === `_${only?.name}`)
  );
}

/**
 * A map<k, v> read from a descriptor: protobufjs keeps it as a repeated
 * nested entry message (options map_entry, fields key = 1 and value = 2)
 * instead of a MapField. Returns the entry's key and value fields.
 */
function mapEntryOf(
  field: protobuf.Field,
): { key: protobuf.Field; value: protobuf.Field } | undefined {
  const entry = field.resolvedType;
  if (
    !field.repeated ||
    !(entry instanceof protobuf.Type) ||
    entry.parent !== field.parent ||
    entry.options?.map_entry !== true
  )
    return undefined;
  const key = entry.fieldsById[1];
  const value = entry.fieldsById[2];
  if (entry.fieldsArray.length !== 2 || key?.name !== 'key' || value?.name !== 'value')
    return undefined;
  value.resolve();
  return { key, value };
}

function idempotencyLevel(method: protobuf.Method): MethodModel['idempotencyLevel'] {
  const level: unknown = method.options?.idempotency_level;
  if (level === 'NO_SIDE_EFFECTS' || level === 1) return 'NO_SIDE_EFFECTS';
  if (level === 'IDEMPOTENT' || level === 2) return 'IDEMPOTENT';
  return undefined;
}

function collectServices(
  namespace: protobuf.NamespaceBase,
  into: protobuf.Service[],
): protobuf.Service[] {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) into.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      collectServices(nested, into);
  }
  return into;
}

/** Every service in `root`, by full name, without the leading dot. */
export function listServices(root: protobuf.Root): string[] {
  return collectServices(root, [])
    .map((service) => service.fullName.replace(/^\./, ''))
    .sort();
}

export function createContractModel(
  root: protobuf.Root,
  options: { skipServices?: (fullName: string) => boolean } = {},
): ContractModel {
  const typeNames = createNameAllocator(RESERVED_TYPE_NAMES);
  const messages = new Map<string, MessageModel>();
  const enums = new Map<string, EnumModel>();
  const warnings: SourceWarning[] = [];

  function enumModel(protoEnum: protobuf.Enum): EnumModel {
    const known = enums.get(protoEnum.fullName);
    if (known) return known;
    const valueNames = createNameAllocator();
    const seen = new Set<number>();
    const values: Array<{ protoName: string; name: string; number: number }> = [];
    for (const [protoName, number] of Object.entries(protoEnum.values)) {
      if (seen.has(number)) continue;
      seen.add(number);
      values.push({ protoName, name: valueNames.claim(toEnumValue(protoName)), number });
    }
    const model: EnumModel = {
      fullName: protoEnum.fullName,
      name: claimTypeName(typeNames, protoEnum),
      values,
      description: describe(protoEnum.comment),
    };
    enums.set(protoEnum.fullName, model);
    return model;
  }

  function valueType(typeName: string, resolved: protobuf.Type | protobuf.Enum | null): ValueType {
    if (resolved instanceof protobuf.Enum) return { kind: 'enum', model: enumModel(resolved) };
    if (resolved instanceof protobuf.Type) {
      const wellKnown = wellKnownOf(resolved.fullName);
      return wellKnown
        ? { kind: 'wellKnown', wellKnown, type: resolved }
        : { kind: 'message', model: messageModel(resolved) };
    }
    return { kind: 'scalar', graphql: scalarOf(typeName), protoType: typeName };
  }

  /** The proto integer kind of a field's values: a scalar's own, or a wrapper's (UInt64Value holds a uint64). */
  function integerKindOf(type: ValueType): string | undefined {
    if (type.kind === 'scalar') return type.protoType;
    if (type.kind === 'wellKnown' && type.wellKnown.kind === 'wrapper')
      return type.type.fields.value?.type;
    return undefined;
  }

  function fieldModel(
    field: protobuf.Field,
    names: NameAllocator,
    owner: string,
    inOneof: boolean,
  ): FieldModel {
    field.resolve();
    const name = names.claim(toFieldName(field.name));
    const entry = mapEntryOf(field);
    // An entry message from a descriptor is not a type of the subgraph: only its value type is.
    const type = entry
      ? valueType(entry.value.type, entry.value.resolvedType)
      : valueType(field.type, field.resolvedType);
    const description = describe(field.comment);
    const rules = fieldRules(
      field,
      type.kind === 'scalar'
        ? type.graphql
        : type.kind === 'wellKnown' && type.wellKnown.kind === 'wrapper'
          ? type.wellKnown.graphql
          : undefined,
      field instanceof protobuf.MapField || entry ? 'map' : field.repeated ? 'repeated' : 'single',
      `${owner}.${field.name}`,
      (warning) => warnings.push(warning),
    );
    if (field instanceof protobuf.MapField || entry) {
      const keyType =
        field instanceof protobuf.MapField
          ? field.keyType
          : (entry as { key: protobuf.Field }).key.type;
      const entryName = typeNames.claim(`${owner}${toTypeName(field.name)}Entry`);
      return {
        protoName: field.name,
        name,
        type,
        repeated: false,
        nullable: false,
        description,
        ...rules,
        map: {
          key: valueType(keyType, null),
          entryName,
          entryInputName: typeNames.claim(`${entryName}Input`),
          wire: entry ? 'entries' : 'object',
        },
      };
    }
    const presence =
      inOneof ||
      field.partOf != null ||
      type.kind === 'message' ||
      (type.kind === 'wellKnown' && !field.repeated);
    const kind = integerKindOf(type);
    const integer = kind === undefined ? undefined : integerConstraint(kind, rules);
    return {
      protoName: field.name,
      name,
      type,
      repeated: field.repeated,
      nullable: presence && !field.repeated,
      description,
      ...rules,
      ...(integer === undefined ? {} : { constraint: integer }),
    };
  }

  function messageModel(type: protobuf.Type): MessageModel {
    const known = messages.get(type.fullName);
    if (known) return known;
    const name = claimTypeName(typeNames, type);
    const model: MessageModel = {
      fullName: type.fullName,
      name,
      inputName: typeNames.claim(`${name}Input`),
      type,
      members: [],
      description: describe(type.comment),
    };
    // Registered before its fields are walked, so recursive messages end.
    messages.set(type.fullName, model);
    const fieldNames = createNameAllocator();
    const placed = new Set<protobuf.OneOf>();
    for (const field of type.fieldsArray) {
      const oneof = field.partOf;
      if (oneof && !isSynthetic(oneof)) {
        if (placed.has(oneof)) continue;
        placed.add(oneof);
        const memberNames = createNameAllocator();
        const typeName = typeNames.claim(`${name}${toTypeName(oneof.name)}`);
        model.members.push({
          kind: 'oneof',
          oneof: {
            protoName: oneof.name,
            name: fieldNames.claim(toFieldName(oneof.name)),
            typeName,
            inputName: typeNames.claim(`${typeName}Input`),
            members: oneof.fieldsArray.map((member) => fieldModel(member, memberNames, name, true)),
            description: describe(oneof.comment),
          },
        });
        continue;
      }
      model.members.push({ kind: 'field', field: fieldModel(field, fieldNames, name, false) });
    }
    return model;
  }

  const operationNames = createNameAllocator();
  const methods: MethodModel[] = [];
  const services = collectServices(root, [])
    .filter((service) => !options.skipServices?.(service.fullName.replace(/^\./, '')))
    .sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
  for (const service of services) {
    const serviceName = service.fullName.replace(/^\./, '');
    for (const method of service.methodsArray) {
      method.resolve();
      const where = `${serviceName}.${method.name}`;
      if (method.requestStream) {
        warnings.push({
          path: where,
          message: `${method.responseStream ? 'Bidirectional' : 'Client'} streaming RPCs are not supported; ${where} is left out of the subgraph.`,
        });
        continue;
      }
      const requestType = method.resolvedRequestType;
      const responseType = method.resolvedResponseType;
      if (!requestType || !responseType) {
        warnings.push({
          path: where,
          message: `${where} names a request or response type that could not be resolved; it is left out.`,
        });
        continue;
      }
      const plain = toFieldName(method.name);
      methods.push({
        path: `/${serviceName}/${method.name}`,
        service: serviceName,
        method: method.name,
        // A second service with the same method name gets the service in front: "otherServiceGetPrice".
        name: operationNames.has(plain)
          ? operationNames.claim(toFieldName(`${service.name}_${method.name}`))
          : operationNames.claim(plain),
        streaming: method.responseStream ? 'server' : 'unary',
        request: valueType(requestType.fullName, requestType),
        response: valueType(responseType.fullName, responseType),
        requestType,
        responseType,
        idempotencyLevel: idempotencyLevel(method),
        description: describe(method.comment),
      });
    }
  }
  return { methods, warnings };
}
