import { describe, expect, it } from 'vitest';
import { combinePatterns, translateXsdPattern } from '../../../../sources/soap/xsd-pattern.js';

/** The translation compiled as the gateway compiles @constraint patterns (whole value, u flag). */
function compiled(xsd: string): RegExp {
  const result = translateXsdPattern(xsd);
  if (!result.ok) throw new Error(`not translated: ${result.reason}`);
  return new RegExp(`^(?:${result.pattern})$`, 'u');
}

describe('XSD patterns → JavaScript', () => {
  it.each([
    // [XSD pattern, matches, does not match]
    ['[A-Z]{3}-\\d{4}', ['ABC-1234', 'ABC-١٢٣٤'], ['ABC-123', 'xABC-1234', 'ABC-1234\n']],
    ['a.c', ['abc', 'a c', 'a\u2028c'], ['a\nc', 'a\rc', 'ac']],
    ['\\s+', [' \t\r\n'], ['\u00a0', '\u2003']],
    ['\\w+', ['abcé9'], ['a-b', 'a b']],
    ['$\\^', ['$^'], ['', '^$']],
    ['(ab)+|c', ['abab', 'c'], ['abc', 'a']],
    ['[^\\-a^]+', ['bcd'], ['-', 'a', '^']],
    ['\\p{Lu}\\P{Lu}', ['Ab'], ['AB', 'ab']],
    ['[\\d.]+', ['1.2'], ['1,2']],
    ['x\\-y', ['x-y'], ['xy']],
  ])('%s', (xsd, matches, misses) => {
    const regex = compiled(xsd);
    for (const value of matches) expect(regex.test(value), JSON.stringify(value)).toBe(true);
    for (const value of misses) expect(regex.test(value), JSON.stringify(value)).toBe(false);
  });

  it.each([
    ['\\i\\c*', 'XML name'],
    ['\\p{IsBasicLatin}+', 'Unicode block'],
    ['[a-z-[aeiou]]+', 'subtracts'],
    ['[\\w-]+', 'inside a character class'],
    ['[\\S]', 'inside a character class'],
    ['\\b', 'not an XML Schema escape'],
    ['ab\\', 'lone backslash'],
    ['[abc', 'not closed'],
    ['\\p{Foo}', 'cannot compile'],
    ['a{2', 'cannot compile'],
  ])('refuses %s (%s)', (xsd, reason) => {
    const result = translateXsdPattern(xsd);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('ANDs restriction steps and ORs the patterns of one step', () => {
    const combined = combinePatterns([['E.*'], ['[A-Z]+', '[0-9]+']]) as string;
    const regex = new RegExp(`^(?:${combined})$`, 'u');
    expect(['EAST', 'EX'].map((v) => regex.test(v))).toEqual([true, true]);
    expect(['WEST', '123', 'E1'].map((v) => regex.test(v))).toEqual([false, false, false]);
    expect(combinePatterns([[], []])).toBeUndefined();
  });
});
