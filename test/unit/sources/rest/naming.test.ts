import { describe, expect, it } from 'vitest';
import { isValidGraphQLName } from '../../../../sources/common/index.js';
import {
  nameFromMethodAndPath,
  nameOperations,
  operationBaseName,
} from '../../../../sources/rest/naming.js';

describe('rest operation naming', () => {
  it('derives a readable camelCase name from method and path when operationId is missing', () => {
    expect(nameFromMethodAndPath('get', '/pets/{petId}')).toBe('getPetsByPetId');
    expect(nameFromMethodAndPath('delete', '/stores/{store_id}/order-items')).toBe(
      'deleteStoresByStoreIdOrderItems',
    );
    expect(nameFromMethodAndPath('get', '/')).toBe('get');
  });

  it('bug: a path key "#fragment" (Box) named nothing; it now ends the name', () => {
    expect(nameFromMethodAndPath('get', '/files/{file_id}#get_shared_link')).toBe(
      'getFilesByFileIdGetSharedLink',
    );
    expect(nameFromMethodAndPath('get', '/files/{file_id}')).toBe('getFilesByFileId');
  });

  it('sanitises operationIds into camelCase and falls back to the path for ids with no letters', () => {
    expect(operationBaseName({ method: 'get', path: '/x', operationId: 'repos/get-content' })).toBe(
      'reposGetContent',
    );
    expect(operationBaseName({ method: 'get', path: '/x', operationId: 'Get_Pet By ID' })).toBe(
      'getPetByID',
    );
    expect(operationBaseName({ method: 'post', path: '/things', operationId: '$$$' })).toBe(
      'postThings',
    );
    expect(operationBaseName({ method: 'get', path: '/x', operationId: '2fa' })).toBe('_2fa');
  });

  it('resolves collisions deterministically whatever order the contract lists operations in', () => {
    const ops = [
      { method: 'post', path: '/b', operationId: 'get-thing' },
      { method: 'get', path: '/a', operationId: 'getThing' },
      { method: 'get', path: '/b', operationId: 'get_thing' },
    ];
    const first = nameOperations(ops).map(
      (n) => `${n.operation.method} ${n.operation.path} ${n.name}`,
    );
    const second = nameOperations([...ops].reverse()).map(
      (n) => `${n.operation.method} ${n.operation.path} ${n.name}`,
    );
    expect(first).toEqual(['get /a getThing', 'get /b getThing2', 'post /b getThing3']);
    expect(second).toEqual(first);
    for (const { name } of nameOperations(ops)) expect(isValidGraphQLName(name)).toBe(true);
  });
});
