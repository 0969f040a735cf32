/**
 * Conversion of real-world contracts published on npm (see
 * test/fixtures/README.md): GitHub's (about 1,200 operations, cyclic refs),
 * ReadMe's example collection (discriminators, circular schemas, Swagger 2.0,
 * OpenAPI 3.1). Read from node_modules, where the devDependencies put them.
 */
import { join } from 'node:path';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  GraphQLUnionType,
  getNamedType,
  parse,
  print,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { createRestSource, printSubgraph } from '../../../../sources/rest/index.js';
import { NODE_MODULES, assertValidSubgraph } from './helpers.js';

const GITHUB = join(NODE_MODULES, '@octokit/openapi/generated/api.github.com.json');
const EXAMPLES = join(NODE_MODULES, '@readme/oas-examples');

describe('real-world contracts', () => {
  it('converts GitHub (OpenAPI 3.0, ~1,200 operations) into a valid, stable subgraph', async () => {
    const [first, second] = [
      await createRestSource({ name: 'github', contract: GITHUB }),
      await createRestSource({ name: 'github', contract: GITHUB }),
    ];
    const schema = assertValidSubgraph(first.typeDefs);
    expect(first.operations.size).toBeGreaterThan(1000);
    const reposGet = schema.getQueryType()?.getFields().reposGet;
    expect(reposGet?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'owner: String!',
      'repo: String!',
    ]);
    expect(String(reposGet?.type)).toBe('FullRepository');
    const repository = schema.getType('FullRepository') as GraphQLObjectType;
    expect(String(repository.getFields().id?.type)).toBe('BigInt!');
    expect(String(repository.getFields().owner?.type)).toBe('SimpleUser!');
    expect(
      (schema.getType('IssuesListForRepoState') as GraphQLEnumType).getValues().map((v) => v.name),
    ).toEqual(['OPEN', 'CLOSED', 'ALL']);
    expect(first.operations.get('reposGet')).toMatchObject({ kind: 'query', idempotent: true });
    expect(first.operations.get('issuesCreate')).toMatchObject({
      kind: 'mutation',
      idempotent: false,
    });
    expect(
      Object.values(schema.getTypeMap()).filter((t) => t instanceof GraphQLUnionType).length,
    ).toBeGreaterThan(5);
    expect(printSubgraph(second)).toBe(printSubgraph(first));
    // The printed SDL (what print-subgraph shows) parses back to the same document.
    expect(print(parse(printSubgraph(first)))).toBe(printSubgraph(first));
  });

  it("maps ReadMe's discriminator examples: input unions become @oneOf input objects, one field per member", async () => {
    const source = await createRestSource({
      name: 'examples',
      contract: join(EXAMPLES, '3.0/json/discriminators.json'),
    });
    const schema = assertValidSubgraph(source.typeDefs);
    const arg = schema.getMutationType()?.getFields().oneOfWithTopLevelDiscriminatorAndMapping
      ?.args[0];
    const input = getNamedType(arg?.type) as GraphQLInputObjectType;
    expect(input).toBeInstanceOf(GraphQLInputObjectType);
    expect(input.isOneOf).toBe(true);
    expect(Object.keys(input.getFields())).toEqual(['optionOneNoDisc', 'optionTwoNoDisc']);
    const primitives = await createRestSource({
      name: 'examples',
      contract: join(EXAMPLES, '3.0/json/polymorphism.json'),
    });
    const oneOfPrimitive = getNamedType(
      assertValidSubgraph(primitives.typeDefs).getMutationType()?.getFields()
        .postAnythingOneOfPrimitive?.args[0]?.type,
    ) as GraphQLInputObjectType;
    expect(oneOfPrimitive.isOneOf).toBe(true);
    expect(Object.values(oneOfPrimitive.getFields()).map((f) => String(f.type))).toEqual(
      expect.arrayContaining(['String']),
    );
  });

  it('converts Swagger 2.0 petstore and OpenAPI 3.1 train-travel with the right arguments', async () => {
    const petstore = await createRestSource({
      name: 'petstore',
      contract: join(EXAMPLES, '2.0/json/petstore.json'),
    });
    const pets = assertValidSubgraph(petstore.typeDefs);
    expect(
      pets
        .getQueryType()
        ?.getFields()
        .getPetById?.args.map((a) => `${a.name}: ${String(a.type)}`),
    ).toEqual(['petId: BigInt!']);
    expect(String(pets.getQueryType()?.getFields().findPetsByStatus?.type)).toBe('[Pet!]');
    expect(String(pets.getQueryType()?.getFields().loginUser?.type)).toBe('String');
    const travel = await createRestSource({
      name: 'travel',
      contract: join(EXAMPLES, '3.1/json/train-travel.json'),
    });
    const trips = assertValidSubgraph(travel.typeDefs).getQueryType()?.getFields().getTrips;
    expect(trips?.args.map((a) => `${a.name}: ${String(a.type)}`).slice(0, 3)).toEqual([
      'origin: String!',
      'destination: String!',
      'date: DateTime!',
    ]);
  });

  it("converts every document in ReadMe's collection without throwing, each valid GraphQL", async () => {
    const files = [
      '2.0/json/schema-circular.json',
      '3.0/json/circular.json',
      '3.0/json/schema-circular.json',
      '3.0/json/complex-nesting.json',
      '3.0/json/parameters-style.json',
      '3.0/json/schema-types.json',
      '3.0/json/schema-enums.json',
      '3.0/json/schema-additional-properties.json',
      '3.1/json/schema-types.json',
      '3.1/json/webhooks.json',
    ];
    for (const file of files) {
      const source = await createRestSource({ name: 'examples', contract: join(EXAMPLES, file) });
      assertValidSubgraph(source.typeDefs);
    }
  });
});
