import { join } from 'node:path';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  GraphQLUnionType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { createRestSource, printSubgraph } from '../../../../sources/rest/index.js';
import { FIXTURES, assertValidSubgraph } from './helpers.js';

async function load(file: string): Promise<{
  schema: GraphQLSchema;
  sdl: string;
  source: Awaited<ReturnType<typeof createRestSource>>;
}> {
  const source = await createRestSource({ name: 'fixture', contract: join(FIXTURES, file) });
  return { schema: assertValidSubgraph(source.typeDefs), sdl: printSubgraph(source), source };
}

function fieldType(schema: GraphQLSchema, type: string, field: string): string {
  const named = schema.getType(type);
  if (!(named instanceof GraphQLObjectType) && !(named instanceof GraphQLInputObjectType))
    throw new Error(`${type} is not an object type`);
  const found = named.getFields()[field];
  if (!found) throw new Error(`${type}.${field} does not exist`);
  return String(found.type);
}

describe('JSON Schema → GraphQL types', () => {
  it('turns cyclic schemas into named types that refer to each other, and loops into JSON with a warning', async () => {
    const { schema, source } = await load('recursive-ref.yaml');
    expect(fieldType(schema, 'Category', 'parent')).toBe('Category');
    expect(fieldType(schema, 'Category', 'children')).toBe('[Category!]');
    expect(fieldType(schema, 'Category', 'id')).toBe('String!');
    expect(fieldType(schema, 'Person', 'favourite')).toBe('Category');
    expect(String(schema.getQueryType()?.getFields().getLoop?.type)).toBe('JSON');
    expect(String(schema.getQueryType()?.getFields().getBroken?.type)).toBe('JSON');
    expect(source.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining([
        '#/components/schemas/LoopB',
        '#/components/schemas/Forest',
        '#/paths/~1broken/get/responses/200/content/application~1json/schema',
      ]),
    );
  });

  it('resolves parameters pointing into another path, path-level parameters, response refs and derived names', async () => {
    const { schema } = await load('recursive-ref.yaml');
    const getCategory = schema.getQueryType()?.getFields().getCategory;
    expect(getCategory?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'categoryId: String!',
      'depth: Int',
    ]);
    expect(String(getCategory?.type)).toBe('Category');
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {})).toEqual([
      'createCategory',
      'createCategory2',
      'deleteCategoriesByCategoryId',
      'createChain',
    ]);
    // A path item that is a $ref to another path: same operations, names told apart in path order.
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {})).toEqual(
      expect.arrayContaining(['listCategories', 'listCategories2']),
    );
    const create = schema.getMutationType()?.getFields().createCategory;
    expect(create?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'input: CategoryInput!',
    ]);
    expect(String(create?.type)).toBe('Category');
    const input = schema.getType('CategoryInput') as GraphQLInputObjectType;
    // Category.parent is optional, so the self-reference stays a valid input cycle.
    expect(String(input.getFields().parent?.type)).toBe('CategoryInput');
    expect(String(input.getFields().children?.type)).toBe('[CategoryInput!]');
    expect(String(schema.getMutationType()?.getFields().deleteCategoriesByCategoryId?.type)).toBe(
      'Boolean',
    );
  });

  it('makes a required self-reference nullable in inputs only, where GraphQL forbids non-null cycles', async () => {
    const { schema } = await load('recursive-ref.yaml');
    expect(fieldType(schema, 'Chain', 'next')).toBe('Chain!');
    expect(fieldType(schema, 'ChainInput', 'next')).toBe('ChainInput');
    expect(fieldType(schema, 'ChainInput', 'label')).toBe('String!');
  });

  it('follows refs into neighbouring files, relative to each file, with cycles across files', async () => {
    const { schema, source } = await load('multi-file/main.yaml');
    expect(fieldType(schema, 'Pet', 'owner')).toBe('Owner');
    expect(fieldType(schema, 'Owner', 'pets')).toBe('[Pet!]');
    expect(fieldType(schema, 'Pet', 'tags')).toBe('[Tag!]');
    expect(fieldType(schema, 'Owner', 'name')).toBe('String');
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .getPet?.args.map((a) => String(a.type)),
    ).toEqual(['String!']);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]?.message).toContain('nowhere.yaml');
  });

  it('maps oneOf with a discriminator to a union, merges allOf and keeps every enum value', async () => {
    const { schema } = await load('polymorphism.yaml');
    const animal = schema.getType('Animal');
    expect(animal).toBeInstanceOf(GraphQLUnionType);
    expect((animal as GraphQLUnionType).getTypes().map((t) => t.name)).toEqual(['Cat', 'Dog']);
    // allOf: Base's fields plus the member's own.
    expect(fieldType(schema, 'Cat', 'kind')).toBe('Kind!');
    expect(fieldType(schema, 'Cat', 'lives')).toBe('Int!');
    expect(fieldType(schema, 'Dog', 'goodBoy')).toBe('Boolean');
    const kind = schema.getType('Kind') as GraphQLEnumType;
    expect(kind.getValues().map((v) => v.name)).toEqual([
      'CAT',
      'DOG',
      'IN_STOCK',
      '_1_5',
      'TRUE_',
      'EMPTY',
    ]);
    expect(String(schema.getType('LabelledLabels'))).toBe('LabelledLabels');
  });

  it('turns a oneOf of a scalar and an object into JSON in answers, with a warning', async () => {
    const { schema, source } = await load('polymorphism.yaml');
    expect(String(schema.getQueryType()?.getFields().getMixed?.type)).toBe('JSON');
    expect(source.warnings.find((w) => w.path.includes('scalars-or-objects'))?.message).toContain(
      'not an object type',
    );
  });

  it('maps formats, nullability and free-form objects to the documented scalars', async () => {
    const { schema, sdl } = await load('polymorphism.yaml');
    expect(fieldType(schema, 'Cat', 'id')).toBe('BigInt!');
    expect(fieldType(schema, 'Cat', 'born')).toBe('Date');
    expect(fieldType(schema, 'Cat', 'updatedAt')).toBe('DateTime');
    expect(fieldType(schema, 'Cat', 'weight')).toBe('Float');
    expect(fieldType(schema, 'Cat', 'legs')).toBe('Int');
    expect(fieldType(schema, 'Cat', 'chipNumber')).toBe('BigInt');
    expect(fieldType(schema, 'Cat', 'photo')).toBe('Base64');
    expect(fieldType(schema, 'Cat', 'extra')).toBe('JSON');
    expect(fieldType(schema, 'Cat', 'nickname')).toBe('String');
    for (const scalarName of ['Base64', 'BigInt', 'Date', 'DateTime', 'JSON'])
      expect(sdl).toContain(`scalar ${scalarName}`);
  });

  it('renames properties GraphQL cannot take and leaves readOnly out of inputs, writeOnly out of outputs', async () => {
    const { schema } = await load('polymorphism.yaml');
    expect(fieldType(schema, 'Cat', 'firstName')).toBe('String');
    expect(fieldType(schema, 'Cat', 'type')).toBe('String');
    expect(fieldType(schema, 'Cat', 'id2')).toBe('String');
    expect(Object.keys((schema.getType('Dog') as GraphQLObjectType).getFields())).not.toContain(
      'secret',
    );
    expect(
      Object.keys((schema.getType('NewAnimalInput') as GraphQLInputObjectType).getFields()),
    ).toEqual(['kind', 'name', 'firstName', 'tags']);
  });

  it('builds arguments from parameters and bodies, and leaves out what it cannot send with a warning', async () => {
    const { schema, source } = await load('polymorphism.yaml');
    const query = schema.getQueryType()?.getFields() ?? {};
    expect(query.getAnimal?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'animalId: String!',
      'xTraceId: String',
    ]);
    expect(query.getAnimals?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'kinds: [Kind!]',
      'filter: GetAnimalsFilterInput',
    ]);
    const mutation = schema.getMutationType()?.getFields() ?? {};
    expect(mutation.createAnimal?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'input: NewAnimalInput!',
    ]);
    expect(String(mutation.login?.type)).toBe('Boolean');
    expect(mutation.upload).toBeUndefined();
    expect(String(query.getMixed?.type)).toBe('JSON');
    expect(source.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining([
        '#/paths/~1upload/post',
        '#/paths/~1scalars-or-objects/get/responses/200/content/application~1json/schema',
      ]),
    );
  });

  it('reads Swagger 2.0 into the same model: body and formData parameters, collectionFormat, x-nullable', async () => {
    const { schema, source } = await load('swagger2-petstore.yaml');
    const mutation = schema.getMutationType()?.getFields() ?? {};
    expect(mutation.addPet?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'input: NewPetInput!',
    ]);
    expect(mutation.updatePetWithForm?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'input: UpdatePetWithFormInput',
      'id: BigInt!',
    ]);
    expect(fieldType(schema, 'Pet', 'id')).toBe('BigInt!');
    expect(fieldType(schema, 'Pet', 'name')).toBe('String!');
    expect(fieldType(schema, 'NewPetInput', 'tag')).toBe('String');
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .findPets?.args.map((a) => String(a.type)),
    ).toEqual(['[String!]', 'Int']);
    expect(mutation.uploadPhoto).toBeUndefined();
    expect(source.warnings.some((w) => w.message.includes('multipart'))).toBe(true);
  });

  it('prints the same SDL on every build', async () => {
    for (const file of [
      'recursive-ref.yaml',
      'multi-file/main.yaml',
      'polymorphism.yaml',
      'swagger2-petstore.yaml',
    ]) {
      const [a, b] = await Promise.all([load(file), load(file)]);
      expect(a.sdl).toBe(b.sdl);
    }
  });
});
