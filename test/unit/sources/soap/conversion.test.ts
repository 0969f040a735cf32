import {
  buildASTSchema,
  getNamedType,
  type GraphQLEnumType,
  type GraphQLInputObjectType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  print,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isValidGraphQLName, type Source } from '../../../../sources/common/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

const fixture = (path: string): string =>
  fileURLToPath(new URL(`../../../fixtures/wsdl/${path}`, import.meta.url));
const ERP_WSDL = fileURLToPath(new URL('../../../../demo/erp/erp.wsdl', import.meta.url));

async function load(
  contract: string,
  extra: Partial<Parameters<typeof createSoapSource>[0]> = {},
): Promise<{ source: Source; schema: GraphQLSchema }> {
  const source = await createSoapSource({ name: 'test', contract, ...extra });
  return { source, schema: buildASTSchema(source.typeDefs) };
}

function fieldType(schema: GraphQLSchema, type: string, field: string): string {
  const object = schema.getType(type) as GraphQLObjectType;
  expect(object, `type ${type}`).toBeDefined();
  const found = object.getFields()[field];
  expect(found, `${type}.${field}`).toBeDefined();
  return String(found?.type);
}

/** Every type, field, argument and enum value name is valid GraphQL. */
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
          expect(isValidGraphQLName(arg.name), arg.name).toBe(true);
      }
    }
    if (isEnumType(type))
      for (const value of type.getValues())
        expect(isValidGraphQLName(value.name), value.name).toBe(true);
  }
}

describe('WSDL → GraphQL: the demo erp', () => {
  it('derives queries, mutations and typed fields from erp.wsdl and its imported XSD', async () => {
    const { source, schema } = await load(ERP_WSDL);
    expect(String(schema.getQueryType()?.getFields().getItem?.type)).toBe('Item');
    expect(String(schema.getQueryType()?.getFields().getStockLevels?.type)).toBe('[StockLevel!]!');
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .getStockLevels?.args.map((a) => `${a.name}: ${String(a.type)}`),
    ).toEqual(['itemCode: [String!]!', 'warehouse: Warehouse']);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {})).toEqual([
      'createSalesOrder',
      'adjustInventory',
      'cancelSalesOrder',
      'updateItem',
    ]);
    expect(String(schema.getQueryType()?.getFields().findSalesOrderByExternalReference?.type)).toBe(
      'SalesOrder',
    );
    expect(fieldType(schema, 'Item', 'weightKg')).toBe('Decimal!');
    expect(fieldType(schema, 'Item', 'rowVersion')).toBe('BigInt!');
    expect(fieldType(schema, 'Item', 'discontinuedAt')).toBe('DateTime');
    // complexContent extension flattened, base fields first
    expect(Object.keys((schema.getType('SalesOrder') as GraphQLObjectType).getFields())).toEqual([
      'documentNumber',
      'createdAt',
      'customerId',
      'externalReference',
      'status',
      'note',
      'line',
      'totalQuantity',
    ]);
    expect(fieldType(schema, 'SalesOrderLine', 'lineNumber')).toBe('Int!');
    expect((schema.getType('Warehouse') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual(
      ['WH_EAST', 'WH_WEST', 'WH_CENTRAL'],
    );
    expect(source.operations.get('getItem')).toMatchObject({ kind: 'query', idempotent: true });
    expect(source.operations.get('createSalesOrder')).toMatchObject({
      kind: 'mutation',
      idempotent: false,
    });
    expect(source.warnings).toEqual([]);
    expectValidNames(schema);
  });

  it('is the same on every build', async () => {
    const first = await load(ERP_WSDL);
    const second = await load(ERP_WSDL);
    expect(print(second.source.typeDefs)).toBe(print(first.source.typeDefs));
  });

  it('lets config override query/mutation by operation or field name', async () => {
    const { source, schema } = await load(ERP_WSDL, {
      operationKinds: { GetItem: 'mutation', adjustInventory: 'query' },
    });
    expect(source.operations.get('getItem')).toMatchObject({ kind: 'mutation', idempotent: false });
    expect(source.operations.get('adjustInventory')).toMatchObject({
      kind: 'query',
      idempotent: true,
    });
    expect(schema.getMutationType()?.getFields().getItem).toBeDefined();
  });

  it('works offline: no url needed to build the subgraph', async () => {
    const { source } = await load(ERP_WSDL);
    await expect(source.health()).resolves.toMatchObject({ ok: false });
    await source.close();
    await source.close();
  });
});

describe('WSDL → GraphQL: the XSD features fixture', () => {
  it('reads a WSDL with a BOM and a comment before the declaration, includes, imports with and without schemaLocation', async () => {
    const { schema } = await load(fixture('features/features.wsdl'));
    expect(fieldType(schema, 'Customer', 'home')).toBe('Address!');
    // c:Address and o:Address collide: the second is prefixed with its namespace's last word
    expect(fieldType(schema, 'Customer', 'abroad')).toBe('OtherAddress');
    expect(fieldType(schema, 'OtherAddress', 'line')).toBe('[String!]!');
    // group ref (from a chameleon-included schema) and attributeGroup ref
    expect(fieldType(schema, 'Customer', 'email')).toBe('String!');
    expect(fieldType(schema, 'Customer', 'phone')).toBe('String');
    expect(fieldType(schema, 'Customer', 'revision')).toBe('BigInt');
    // element ref with maxOccurs=unbounded, enum from the included schema, simpleContent, choice, empty type, any, anyType
    expect(fieldType(schema, 'Customer', 'tag')).toBe('[String!]!');
    expect(fieldType(schema, 'Customer', 'priority')).toBe('Priority!');
    expect((schema.getType('Priority') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual([
      'LOW',
      'HIGH_URGENT',
      'TRUE_',
    ]);
    expect(fieldType(schema, 'Money', 'value')).toBe('Decimal');
    expect(fieldType(schema, 'Money', 'currency')).toBe('String!');
    expect(fieldType(schema, 'Customer', 'vatId')).toBe('String');
    expect(fieldType(schema, 'Customer', 'taxFree')).toBe('Empty');
    expect(fieldType(schema, 'Empty', '_empty')).toBe('Boolean');
    expect(fieldType(schema, 'CustomerExtra', 'any')).toBe('JSON');
    expect(fieldType(schema, 'CustomerExtra', 'otherAttributes')).toBe('JSON');
    expect(fieldType(schema, 'Customer', 'note')).toBe('JSON');
    // complexContent restriction restates the content and keeps the base's attributes
    expect(
      Object.keys((schema.getType('CustomerSummary') as GraphQLObjectType).getFields()),
    ).toEqual(['id', 'createdBy', 'revision']);
  });

  it('maps every XSD built-in simple type, none to an unknown type', async () => {
    const { schema, source } = await load(fixture('features/features.wsdl'));
    const allTypes = (schema.getType('AllTypes') as GraphQLObjectType).getFields();
    const expected: Record<string, string> = {
      aNonNegativeInteger: 'BigInt!',
      aUnsignedLong: 'BigInt!',
      aUnsignedInt: 'BigInt!',
      aLong: 'BigInt!',
      aInteger: 'BigInt!',
      aInt: 'Int!',
      aShort: 'Int!',
      aUnsignedShort: 'Int!',
      aDecimal: 'Decimal!',
      aDuration: 'Duration!',
      aQName: 'String!',
      aAnySimpleType: 'String!',
      aBase64Binary: 'Base64!',
      aDateTime: 'DateTime!',
      aDate: 'Date!',
      aAnyType: 'JSON!',
      aBoolean: 'Boolean!',
      aDouble: 'Float!',
    };
    for (const [field, type] of Object.entries(expected))
      expect(String(allTypes[field]?.type), field).toBe(type);
    expect(Object.keys(allTypes)).toHaveLength(46);
    expect(source.warnings.filter((w) => /Unknown XML Schema type/.test(w.message))).toEqual([]);
  });

  it('uses one SOAP binding per portType, prefers 1.1, skips HTTP bindings and rpc/encoded with warnings', async () => {
    const { source, schema } = await load(fixture('features/features.wsdl'));
    expect([...source.operations.keys()]).toEqual(['findCustomer', 'probe', 'ping', 'sum']);
    expect(source.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/FeaturesHttp is not a SOAP binding/),
        expect.stringMatching(/LegacySum uses rpc\/encoded/),
      ]),
    );
    // rpc/literal parts become arguments; document/literal bare parts too
    expect(
      schema
        .getMutationType()
        ?.getFields()
        .sum?.args.map((a) => `${a.name}: ${String(a.type)}`),
    ).toEqual(['a: Int!', 'b: Decimal!']);
    expect(String(schema.getMutationType()?.getFields().sum?.type)).toBe('Decimal');
    expect(
      schema
        .getMutationType()
        ?.getFields()
        .probe?.args.map((a) => `${a.name}: ${String(a.type)}`),
    ).toEqual(['probe: AllTypesInput!', 'tag: String!']);
    expect(fieldType(schema, 'ProbeResponse', 'summary')).toBe('CustomerSummary!');
    expect(String(schema.getMutationType()?.getFields().ping?.type)).toBe('Boolean');
    expectValidNames(schema);
  });

  it('is the same on every build', async () => {
    const a = await load(fixture('features/features.wsdl'));
    const b = await load(fixture('features/features.wsdl'));
    expect(print(b.source.typeDefs)).toBe(print(a.source.typeDefs));
  });
});

describe('WSDL → GraphQL: real-world WSDLs published on npm', () => {
  it('AFIP wsfe (afip.ts): SOAP 1.1 chosen over 1.2, extensions flattened, SDL builds', async () => {
    const { source, schema } = await load(fixture('afip-wsfe.wsdl'));
    expect(source.operations.size).toBe(20);
    expect(source.operations.has('fecaeSolicitar')).toBe(true);
    // FECAERequest → FeCabReq: FECAECabRequest extends FECabRequest
    const request = schema.getType('FECAERequestInput') as GraphQLInputObjectType;
    const cab = request.getFields().feCabReq;
    expect(cab && getNamedType(cab.type).name).toBe('FECAECabRequestInput');
    expect(
      Object.keys((schema.getType('FECAECabRequestInput') as GraphQLObjectType).getFields()),
    ).toEqual(['cantReg', 'ptoVta', 'cbteTipo']);
    expect(
      Object.keys((schema.getType('FECAEDetResponse') as GraphQLObjectType).getFields()).slice(
        0,
        3,
      ),
    ).toEqual(['concepto', 'docTipo', 'docNro']);
    expectValidNames(schema);
    const again = await load(fixture('afip-wsfe.wsdl'));
    expect(print(again.source.typeDefs)).toBe(print(source.typeDefs));
  });

  it('AFIP wsfe with soapVersion 1.2 uses the SOAP 1.2 binding', async () => {
    const { source } = await load(fixture('afip-wsfe.wsdl'), { soapVersion: '1.2' });
    expect(source.operations.size).toBe(20);
  });

  it('AFIP constancia de inscripción (afip.ts): xs:long → BigInt, nillable lists, queries by name', async () => {
    const { source, schema } = await load(fixture('afip-inscription-proof.wsdl'));
    expect(source.operations.get('getPersona')).toMatchObject({ kind: 'query' });
    expect(source.operations.get('dummy')).toMatchObject({ kind: 'mutation' });
    expect(fieldType(schema, 'DatosGenerales', 'idPersona')).toBe('BigInt');
    expect(
      String(
        schema
          .getQueryType()
          ?.getFields()
          .getPersonaList?.args.find((a) => a.name === 'idPersona')?.type,
      ),
    ).toBe('[BigInt!]!');
    expectValidNames(schema);
  });
});

describe('contract errors', () => {
  it('refuses a missing file with CONTRACT_UNREADABLE', async () => {
    await expect(
      createSoapSource({ name: 'x', contract: fixture('nope.wsdl') }),
    ).rejects.toMatchObject({ code: 'CONTRACT_UNREADABLE' });
  });
  it('refuses a document that is not a WSDL with CONTRACT_INVALID', async () => {
    await expect(
      createSoapSource({ name: 'x', contract: fixture('features/common.xsd') }),
    ).rejects.toMatchObject({ code: 'CONTRACT_INVALID' });
  });
});
