import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
  print,
  type GraphQLSchema,
} from 'graphql';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BILLING_PROTO } from '../../../../demo/billing/index.js';
import { isValidGraphQLName, type Source } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));
const PROTOBUFJS = fileURLToPath(new URL('../../../../node_modules/protobufjs/', import.meta.url));

async function build(contract: string): Promise<{ source: Source; schema: GraphQLSchema }> {
  // The billing contract finds its imports from its own folder; fixtures need theirs and protobufjs' bundled descriptor.proto.
  const includeDirs = contract === BILLING_PROTO ? undefined : [FIXTURES, PROTOBUFJS];
  const source = await createGrpcSource({ name: 'fixture', contract, includeDirs });
  return { source, schema: buildASTSchema(source.typeDefs) };
}

function fieldsOf(schema: GraphQLSchema, type: string): Record<string, string> {
  const found = schema.getType(type);
  if (!isObjectType(found) && !isInputObjectType(found))
    throw new Error(`${type} is not an object or input type`);
  return Object.fromEntries(
    Object.values(found.getFields()).map((field) => [field.name, String(field.type)]),
  );
}

function allNames(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    names.push(type.name);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.push(field.name);
        if ('args' in field) names.push(...field.args.map((arg: { name: string }) => arg.name));
      }
    }
    if (isEnumType(type)) names.push(...type.getValues().map((value) => value.name));
  }
  return names;
}

const REAL_WORLD = [
  'google/pubsub/v1/pubsub.proto',
  'grpc/channelz/v1/channelz.proto',
  'grpc/reflection/v1/reflection.proto',
  'xds/service/orca/v3/orca.proto',
  'edge/edge-cases.proto',
].map((file) => FIXTURES + file);

describe.each([BILLING_PROTO, ...REAL_WORLD])('%s', (contract) => {
  it('builds a valid schema with valid names, the same on every build', async () => {
    const first = await build(contract);
    const second = await build(contract);
    expect(print(first.source.typeDefs)).toEqual(print(second.source.typeDefs));
    expect([...first.source.operations.keys()]).toEqual([...second.source.operations.keys()]);
    const names = allNames(first.schema);
    expect(names.length).toBeGreaterThan(1);
    expect(names.filter((name) => !isValidGraphQLName(name))).toEqual([]);
    // Every operation is a root field of the kind it claims.
    for (const operation of first.source.operations.values()) {
      const root = {
        query: first.schema.getQueryType(),
        mutation: first.schema.getMutationType(),
        subscription: first.schema.getSubscriptionType(),
      }[operation.kind];
      expect(root?.getFields()[operation.name], operation.name).toBeDefined();
    }
  });
});

describe('billing.proto', () => {
  it('maps nested messages, enums, oneofs, maps, int64 and well-known types', async () => {
    const { schema } = await build(BILLING_PROTO);
    expect(fieldsOf(schema, 'Money')).toEqual({ amountMinor: 'BigInt!', currency: 'String!' });
    expect(fieldsOf(schema, 'InvoiceLine')).toEqual({
      sku: 'String!',
      quantity: 'Int!',
      unitPrice: 'Money',
      total: 'Money',
    });
    expect(fieldsOf(schema, 'Invoice')).toMatchObject({
      status: 'InvoiceStatus!',
      lines: '[InvoiceLine!]!',
      metadata: '[InvoiceMetadataEntry!]!',
      createdAt: 'DateTime',
      paymentTerms: 'Duration',
      purchaseOrder: 'String',
      attributes: 'JSON',
    });
    expect(fieldsOf(schema, 'Price')).toMatchObject({
      validFrom: 'DateTime',
      compareAtMinor: 'BigInt',
    });
    expect(fieldsOf(schema, 'Payment')).toMatchObject({ method: 'PaymentMethod' });
    expect(fieldsOf(schema, 'PaymentMethod')).toEqual({
      card: 'CardPayment',
      bankTransfer: 'BankTransfer',
    });
    const methodInput = schema.getType('CapturePaymentRequestMethodInput');
    expect(
      isInputObjectType(methodInput) && methodInput.astNode?.directives?.map((d) => d.name.value),
    ).toEqual(['oneOf']);
    const status = schema.getType('InvoiceStatus');
    expect(isEnumType(status) && status.getValues().map((v) => v.name)[0]).toBe(
      'INVOICE_STATUS_UNSPECIFIED',
    );
    const capture = schema.getMutationType()?.getFields().capturePayment;
    expect(capture?.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([
      'invoiceId: String',
      'amount: MoneyInput',
      'method: CapturePaymentRequestMethodInput',
    ]);
    expect(String(schema.getQueryType()?.getFields().ping?.type)).toBe('Boolean');
    expect(schema.getQueryType()?.getFields().ping?.args).toEqual([]);
  });

  it('declares every custom scalar it uses, and no other', async () => {
    const { source } = await build(BILLING_PROTO);
    const declared = source.typeDefs.definitions.flatMap((d) =>
      d.kind === 'ScalarTypeDefinition' ? [d.name.value] : [],
    );
    expect(declared).toEqual(['BigInt', 'DateTime', 'Duration', 'JSON']);
  });

  it('follows operationKinds and queryPrefixes from config', async () => {
    const source = await createGrpcSource({
      name: 'billing',
      contract: BILLING_PROTO,
      operationKinds: { CapturePayment: 'query', 'billing.v1.BillingService.GetPrice': 'mutation' },
      queryPrefixes: ['Create'],
    });
    const kinds = Object.fromEntries([...source.operations.values()].map((o) => [o.name, o.kind]));
    expect(kinds).toMatchObject({
      capturePayment: 'query',
      getPrice: 'mutation',
      createInvoice: 'query',
      getInvoice: 'mutation',
      ping: 'query',
    });
  });
});

describe('real-world and edge-case protos', () => {
  it('pubsub: imports across packages, FieldMask, Empty, maps, and a bidi stream left out', async () => {
    const { source, schema } = await build(FIXTURES + 'google/pubsub/v1/pubsub.proto');
    expect(source.operations.get('getTopic')?.kind).toBe('query');
    expect(source.operations.get('publish')?.kind).toBe('mutation');
    expect(String(schema.getMutationType()?.getFields().deleteTopic?.type)).toBe('Boolean');
    const update = schema.getMutationType()?.getFields().updateTopic;
    expect(
      update?.args.map(
        (arg: { name: string; type: unknown }) => `${arg.name}: ${String(arg.type)}`,
      ),
    ).toEqual(['topic: TopicInput', 'updateMask: [String!]']);
    expect(fieldsOf(schema, 'Topic')).toMatchObject({
      labels: '[TopicLabelsEntry!]!',
      messageRetentionDuration: 'Duration',
    });
    expect(fieldsOf(schema, 'PubsubMessage')).toMatchObject({
      data: 'Base64!',
      publishTime: 'DateTime',
    });
    expect(source.warnings).toEqual([
      expect.objectContaining({ path: 'google.pubsub.v1.Subscriber.StreamingPull' }),
    ]);
  });

  it('channelz: Any, wrappers, oneofs and nested enums', async () => {
    const { schema } = await build(FIXTURES + 'grpc/channelz/v1/channelz.proto');
    expect(fieldsOf(schema, 'SocketOption')).toMatchObject({ additional: 'JSON' });
    expect(fieldsOf(schema, 'ChannelTraceEvent')).toMatchObject({
      severity: 'ChannelTraceEventSeverity!',
      childRef: 'ChannelTraceEventChildRef',
    });
    expect(fieldsOf(schema, 'ChannelTraceEventChildRef')).toEqual({
      channelRef: 'ChannelRef',
      subchannelRef: 'SubchannelRef',
    });
    expect(fieldsOf(schema, 'ChannelData')).toMatchObject({
      lastCallStartedTimestamp: 'DateTime',
      callsStarted: 'BigInt!',
    });
    expect(fieldsOf(schema, 'SocketData')).toMatchObject({
      keepAlivesSent: 'BigInt!',
      localFlowControlWindow: 'BigInt',
    });
  });

  it('orca: a server stream becomes a subscription; proto2 validate options are ignored', async () => {
    const { source, schema } = await build(FIXTURES + 'xds/service/orca/v3/orca.proto');
    expect([...source.operations.values()].map((o) => `${o.name}:${o.kind}`)).toEqual([
      'streamCoreMetrics:subscription',
    ]);
    expect(fieldsOf(schema, 'OrcaLoadReport')).toMatchObject({
      requestCost: '[OrcaLoadReportRequestCostEntry!]!',
    });
    expect(fieldsOf(schema, 'OrcaLoadReportRequestCostEntry')).toEqual({
      key: 'String!',
      value: 'Float!',
    });
  });

  it('reflection.proto: only a bidi stream, so a placeholder Query and a warning', async () => {
    const { source, schema } = await build(FIXTURES + 'grpc/reflection/v1/reflection.proto');
    expect(source.operations.size).toBe(0);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {})).toEqual(['_empty']);
    expect(source.warnings[0]?.message).toContain('Bidirectional streaming');
  });

  it('edge cases: recursion, name clashes, enum aliases and reserved values, all scalar kinds', async () => {
    const { source, schema } = await build(FIXTURES + 'edge/edge-cases.proto');
    expect(fieldsOf(schema, 'Node')).toEqual({
      label: 'String!',
      children: '[Node!]!',
      parent: 'Node',
    });
    expect(fieldsOf(schema, 'OtherNode')).toEqual({ id: 'String!' });
    expect(fieldsOf(schema, 'Scalars')).toMatchObject({
      fooBar: 'String!',
      fooBar2: 'String!',
      u32: 'BigInt!',
      i32: 'Int!',
      sfx64: 'BigInt!',
      raw: 'Base64!',
      d: 'Float!',
    });
    const flag = schema.getType('Flag');
    expect(isEnumType(flag) && flag.getValues().map((v) => v.name)).toEqual([
      'FLAG_UNSPECIFIED',
      'NULL_',
      'TRUE_',
      'LOWER_CASE',
    ]);
    expect(fieldsOf(schema, 'WellKnown')).toMatchObject({
      mask: '[String!]',
      any: 'JSON',
      marker: 'Boolean',
      maybe: 'Boolean',
      blob: 'Base64',
      big: 'BigInt',
      history: '[DateTime!]!',
    });
    expect(fieldsOf(schema, 'MapsNodesEntry')).toEqual({ key: 'BigInt!', value: 'Node' });
    expect(fieldsOf(schema, 'Nothing')).toEqual({ _empty: 'Boolean' });
    expect(fieldsOf(schema, 'Choice')).toEqual({ pick: 'ChoicePick', limit: 'Int' });
    expect(
      [...source.operations.values()].map((o) => `${o.name}:${o.kind}:${o.idempotent}`),
    ).toEqual([
      'echo:mutation:false',
      'getTree:query:true',
      'touch:mutation:false',
      'listWords:subscription:true',
      'lookupFlag:query:true',
      'otherServiceEcho:mutation:false',
    ]);
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .getTree?.args.map((a) => `${a.name}: ${String(a.type)}`),
    ).toEqual(['value: String']);
    expect(source.warnings.map((w) => w.path)).toEqual([
      'edge.v1.EdgeService.Upload',
      'edge.v1.EdgeService.Chat',
    ]);
  });

  it('parses its own SDL back to the same document', async () => {
    const { source } = await build(BILLING_PROTO);
    expect(print(parse(print(source.typeDefs)))).toEqual(print(source.typeDefs));
  });
});
