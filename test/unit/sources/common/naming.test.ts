import { describe, expect, it } from 'vitest';
import {
  createNameAllocator,
  isValidGraphQLName,
  splitWords,
  toEnumValue,
  toFieldName,
  toTypeName,
} from '../../../../sources/common/index.js';

describe('naming', () => {
  it('splits at separators, case changes and acronyms', () => {
    expect(splitWords('get-productByID_v2')).toEqual(['get', 'product', 'By', 'ID', 'v2']);
    expect(splitWords('HTTPServerError')).toEqual(['HTTP', 'Server', 'Error']);
  });

  it('makes PascalCase type names and camelCase field names', () => {
    expect(toTypeName('order_line-item')).toBe('OrderLineItem');
    expect(toFieldName('Get-Product_ById')).toBe('getProductById');
    expect(toFieldName('ID')).toBe('id');
    expect(toFieldName('first-name')).toBe('firstName');
  });

  it('keeps names valid when the raw name starts with a digit or has no letters', () => {
    expect(toTypeName('2fa-settings')).toBe('_2faSettings');
    expect(toFieldName('$')).toBe('field');
    for (const raw of ['2fa', '@type', '$ref', '', 'über', '---']) {
      expect(isValidGraphQLName(toFieldName(raw)), raw).toBe(true);
      expect(isValidGraphQLName(toTypeName(raw)), raw).toBe(true);
      expect(isValidGraphQLName(toEnumValue(raw)), raw).toBe(true);
    }
  });

  it('maps enum values that GraphQL cannot take instead of dropping them', () => {
    expect(toEnumValue('in-stock')).toBe('IN_STOCK');
    expect(toEnumValue('1.5')).toBe('_1_5');
    expect(toEnumValue('')).toBe('EMPTY');
    expect(toEnumValue('true')).toBe('TRUE_');
    expect(toEnumValue('null')).toBe('NULL_');
    expect(toEnumValue('<=')).toBe('LT_EQ');
  });

  it('rejects introspection-reserved names', () => {
    expect(isValidGraphQLName('__typename')).toBe(false);
    expect(isValidGraphQLName('_private')).toBe(true);
  });

  it('resolves collisions deterministically, in claim order', () => {
    const names = createNameAllocator(['Query']);
    expect(names.claim('Query')).toBe('Query2');
    expect(names.claim('Product')).toBe('Product');
    expect(names.claim('Product')).toBe('Product2');
    expect(names.claim('Product')).toBe('Product3');
    expect(names.has('Product2')).toBe(true);
  });
});
