/**
 * The SOAP source on a real-world contract split over many files: NetSuite
 * SuiteTalk 2016.2 (netsuite.wsdl + 46 XSDs pulled in by xsd:import with
 * schemaLocation, one namespace each), as published in the npm package
 * netsuite-suitetalk-wsdl-v2016-2.0 0.1.5 (see test/fixtures/README.md).
 * It exercises inheritance across documents and namespaces (RecordRef
 * extends the abstract BaseRef; CustomizationRef extends RecordRef; Customer
 * in lists.relationships.xsd extends Record in platform.core.xsd), element
 * refs into other documents, and enums defined in separate *Types.xsd files.
 */
import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  print,
  type GraphQLEnumType,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isValidGraphQLName, type Source } from '../../../../sources/common/index.js';
import { loadContract } from '../../../../sources/soap/contract.js';
import { createSoapSource } from '../../../../sources/soap/index.js';
import {
  createShapeRegistry,
  type ObjectShape,
  type Shape,
} from '../../../../sources/soap/shapes.js';
import { parseXml, XSD_NS } from '../../../../sources/soap/xml.js';

const NETSUITE_DIR = fileURLToPath(
  new URL('../../../fixtures/wsdl/netsuite-2016-2/', import.meta.url),
);
const NETSUITE_WSDL = join(NETSUITE_DIR, 'netsuite.wsdl');
const NS = {
  core: 'urn:core_2016_2.platform.webservices.netsuite.com',
  relationships: 'urn:relationships_2016_2.lists.webservices.netsuite.com',
  sales: 'urn:sales_2016_2.transactions.webservices.netsuite.com',
};

async function build(): Promise<{ source: Source; schema: GraphQLSchema }> {
  const source = await createSoapSource({ name: 'netsuite', contract: NETSUITE_WSDL });
  return { source, schema: buildASTSchema(source.typeDefs) };
}

/** One build shared by the read-only tests: 47 documents are parsed per build, on a machine others share. */
let shared: ReturnType<typeof build> | undefined;
const load = (): ReturnType<typeof build> => (shared ??= build());

function fieldsOf(schema: GraphQLSchema, type: string): Record<string, string> {
  const found = schema.getType(type);
  expect(found, `type ${type}`).toBeDefined();
  expect(isObjectType(found) || isInputObjectType(found), `${type} has fields`).toBe(true);
  const fields = (found as GraphQLObjectType | GraphQLInputObjectType).getFields();
  return Object.fromEntries(Object.values(fields).map((field) => [field.name, String(field.type)]));
}

function enumValues(schema: GraphQLSchema, type: string): string[] {
  const found = schema.getType(type);
  expect(isEnumType(found), `${type} is an enum`).toBe(true);
  return (found as GraphQLEnumType).getValues().map((value) => value.name);
}

function argsOf(schema: GraphQLSchema, root: 'query' | 'mutation', field: string): string[] {
  const type = root === 'query' ? schema.getQueryType() : schema.getMutationType();
  const found = type?.getFields()[field];
  expect(found, `${root} ${field}`).toBeDefined();
  return (found?.args ?? []).map((arg) => `${arg.name}: ${String(arg.type)}`);
}

function expectValidNames(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    expect(isValidGraphQLName(type.name), type.name).toBe(true);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        expect(
          isValidGraphQLName(field.name) || field.name === '_empty',
          `${type.name}.${field.name}`,
        ).toBe(true);
        for (const arg of 'args' in field ? field.args : [])
          expect(isValidGraphQLName(arg.name), `${type.name}.${field.name}(${arg.name})`).toBe(
            true,
          );
      }
    }
    if (isEnumType(type))
      for (const value of type.getValues())
        expect(isValidGraphQLName(value.name), `${type.name}.${value.name}`).toBe(true);
  }
}

/** The literal values of a named simpleType, read straight from the XSD (not through the source). */
async function xsdEnumeration(file: string, typeName: string): Promise<string[]> {
  const root = parseXml(await readFile(join(NETSUITE_DIR, file)), { maxDepth: 256 });
  const simple = root.children.find(
    (child) => child.ns === XSD_NS && child.local === 'simpleType' && child.attrs.name === typeName,
  );
  expect(simple, `${file} declares ${typeName}`).toBeDefined();
  const restriction = simple?.children.find((child) => child.local === 'restriction');
  return (restriction?.children ?? [])
    .filter((child) => child.local === 'enumeration')
    .map((child) => child.attrs.value ?? '');
}

const objectShape = (shape: Shape): ObjectShape => {
  expect(shape.kind).toBe('object');
  return shape as ObjectShape;
};

describe('WSDL → GraphQL: NetSuite SuiteTalk 2016.2 (one WSDL, 46 imported XSDs)', () => {
  it('reads every imported schema once, relative to the WSDL', async () => {
    const contract = await loadContract('netsuite', NETSUITE_WSDL);
    const onDisk = (await readdir(NETSUITE_DIR))
      .filter((file) => file.endsWith('.xsd'))
      .map((file) => join(NETSUITE_DIR, file))
      .sort();
    const imported = contract.schemas
      .map((schema) => schema.location)
      .filter((location) => location !== NETSUITE_WSDL);
    expect(new Set(imported).size).toBe(imported.length);
    expect([...imported].sort()).toEqual(onDisk);
    // plus the one schema inline in wsdl:types, which only imports
    expect(contract.schemas.filter((schema) => schema.location === NETSUITE_WSDL)).toHaveLength(1);
  });

  it('derives the operations with arguments and results typed from the imported schemas', async () => {
    const { source, schema } = await load();
    expect(source.operations.size).toBe(47);
    expect(source.warnings).toEqual([]);
    for (const name of [
      'get',
      'getList',
      'getServerTime',
      'search',
      'searchMoreWithId',
      'getDataCenterUrls',
      'checkAsyncStatus',
    ]) {
      expect(source.operations.get(name), name).toMatchObject({ kind: 'query', idempotent: true });
    }
    for (const name of ['login', 'add', 'update', 'upsertList', 'delete', 'asyncSearch']) {
      expect(source.operations.get(name), name).toMatchObject({
        kind: 'mutation',
        idempotent: false,
      });
    }
    expect(argsOf(schema, 'query', 'get')).toEqual(['baseRef: BaseRefInput!']);
    expect(argsOf(schema, 'query', 'getList')).toEqual(['baseRef: [BaseRefInput!]!']);
    expect(argsOf(schema, 'query', 'getDataCenterUrls')).toEqual(['account: String!']);
    expect(argsOf(schema, 'query', 'getDeleted')).toEqual([
      'getDeletedFilter: GetDeletedFilterInput!',
      'pageIndex: Int!',
    ]);
    expect(argsOf(schema, 'query', 'getServerTime')).toEqual([]);
    expect(argsOf(schema, 'mutation', 'delete')).toEqual([
      'baseRef: BaseRefInput!',
      'deletionReason: DeletionReasonInput',
    ]);
    expect(String(schema.getQueryType()?.getFields().getServerTime?.type)).toBe(
      'GetServerTimeResult',
    );
    expect(String(schema.getMutationType()?.getFields().login?.type)).toBe('SessionResponse');

    // platformCore:status is an element ref into platform.core.xsd; serverTime is xsd:dateTime with minOccurs=1
    expect(fieldsOf(schema, 'GetServerTimeResult')).toEqual({
      status: 'Status!',
      serverTime: 'DateTime!',
    });
    // an element list and an optional attribute
    expect(fieldsOf(schema, 'Status')).toEqual({
      statusDetail: '[StatusDetail!]!',
      isSuccess: 'Boolean',
    });
    expect(fieldsOf(schema, 'AsyncStatusResult')).toEqual({
      jobId: 'String!',
      status: 'AsyncStatusType!',
      percentCompleted: 'Float!',
      estRemainingDuration: 'Float!',
    });
    expect(fieldsOf(schema, 'SearchDateFieldInput')).toEqual({
      predefinedSearchValue: 'SearchDate',
      searchValue: 'DateTime',
      searchValue2: 'DateTime',
      operator: 'SearchDateFieldOperator',
    });
  });

  it('flattens complexContent extensions across documents, base fields first', async () => {
    const { schema } = await load();
    // RecordRef extends the abstract BaseRef (its element), adding attributes; RecordType lives in platform.coreTypes.xsd
    expect(fieldsOf(schema, 'RecordRef')).toEqual({
      name: 'String',
      internalId: 'String',
      externalId: 'String',
      type: 'RecordType',
    });
    expect(fieldsOf(schema, 'RecordRefInput')).toEqual({
      name: 'String',
      internalId: 'String',
      externalId: 'String',
      type: 'RecordType',
    });
    // two levels: CustomizationRef → RecordRef → BaseRef
    expect(fieldsOf(schema, 'CustomizationRef')).toEqual({
      name: 'String',
      internalId: 'String',
      externalId: 'String',
      type: 'RecordType',
      scriptId: 'String',
    });
    // the Passport's role is a RecordRef input, inherited fields included
    expect(fieldsOf(schema, 'PassportInput')).toEqual({
      email: 'String!',
      password: 'String!',
      account: 'String!',
      role: 'RecordRefInput',
    });
  });

  it('keeps every enum value of the imported *Types.xsd, in schema order', async () => {
    const { schema } = await load();
    expect(enumValues(schema, 'AsyncStatusType')).toEqual([
      'FAILED',
      'FINISHED_WITH_ERRORS',
      'PENDING',
      'PROCESSING',
      'FINISHED',
    ]);
    expect(enumValues(schema, 'StatusDetailType')).toEqual(['ERROR', 'WARN', 'INFO']);
    const recordTypes = enumValues(schema, 'RecordType');
    const literals = await xsdEnumeration('platform.coreTypes.xsd', 'RecordType');
    expect(literals.length).toBeGreaterThan(100);
    expect(recordTypes).toHaveLength(literals.length);
    expect(new Set(recordTypes).size).toBe(recordTypes.length);
    expect(recordTypes).toEqual(
      expect.arrayContaining([
        'ACCOUNT',
        'ACCOUNTING_PERIOD',
        'CUSTOMER',
        'SALES_ORDER',
        'INVENTORY_ITEM',
      ]),
    );
    expect(recordTypes.indexOf('ACCOUNT')).toBe(literals.indexOf('account'));
  });

  it('prints valid GraphQL names, builds with buildASTSchema, and is the same on every build', async () => {
    const first = await load();
    expectValidNames(first.schema);
    const second = await build();
    expect(second.source).not.toBe(first.source);
    expect(print(second.source.typeDefs)).toBe(print(first.source.typeDefs));
    expect(second.source.warnings).toEqual(first.source.warnings);
  });

  it('converts every global type and element of all 47 schemas without a warning', async () => {
    const contract = await loadContract('netsuite', NETSUITE_WSDL);
    const registry = createShapeRegistry(contract.schemas);
    let declarations = 0;
    for (const schema of contract.schemas) {
      for (const child of schema.element.children) {
        const name = child.attrs.name;
        if (child.ns !== XSD_NS || name === undefined) continue;
        if (child.local === 'complexType' || child.local === 'simpleType') {
          registry.typeShape({ ns: schema.targetNamespace, local: name }, name);
          declarations += 1;
        } else if (child.local === 'element') {
          expect(
            registry.elementShape({ ns: schema.targetNamespace, local: name }),
            name,
          ).toBeDefined();
          declarations += 1;
        }
      }
    }
    expect(declarations).toBeGreaterThan(1500);
    expect(registry.warnings).toEqual([]);
    // Customer (lists.relationships.xsd) extends Record (platform.core.xsd): Record's element first, own attributes last
    const customer = objectShape(
      registry.typeShape({ ns: NS.relationships, local: 'Customer' }, 'Customer'),
    );
    expect(customer.fields[0]).toMatchObject({
      name: 'nullFieldList',
      role: 'element',
      ns: NS.core,
      optional: true,
    });
    expect(customer.fields.slice(-2).map((field) => [field.name, field.role])).toEqual([
      ['internalId', 'attribute'],
      ['externalId', 'attribute'],
    ]);
    expect(customer.fields.find((field) => field.name === 'entityId')).toMatchObject({
      role: 'element',
      ns: NS.relationships,
      shape: { kind: 'scalar', scalar: 'String' },
    });
    const customForm = customer.fields.find((field) => field.name === 'customForm');
    expect(customForm && objectShape(customForm.shape).name).toBe('RecordRef');
    const salesOrder = objectShape(
      registry.typeShape({ ns: NS.sales, local: 'SalesOrder' }, 'SalesOrder'),
    );
    expect(salesOrder.fields[0]?.name).toBe('nullFieldList');
    expect(new Set(salesOrder.fields.map((field) => field.name)).size).toBe(
      salesOrder.fields.length,
    );
    for (const shape of registry.created)
      expect(isValidGraphQLName(shape.name), shape.name).toBe(true);
  });

  it('refuses the WSDL without its XSDs with CONTRACT_UNREADABLE naming the missing document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netsuite-alone-'));
    try {
      await copyFile(NETSUITE_WSDL, join(dir, 'netsuite.wsdl'));
      await expect(
        createSoapSource({ name: 'netsuite', contract: join(dir, 'netsuite.wsdl') }),
      ).rejects.toMatchObject({
        code: 'CONTRACT_UNREADABLE',
        location: join(dir, 'platform.core.xsd'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
