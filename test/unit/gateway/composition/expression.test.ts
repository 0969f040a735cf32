import { describe, expect, it } from 'vitest';
import {
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  ExpressionEvaluationError,
  currencyExponent,
  parseExpression,
} from '../../../../gateway/composition/expression.js';

function parseError(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`parseExpression(${JSON.stringify(text)}) did not throw`);
}

function evalError(text: string, value: unknown): ExpressionEvaluationError {
  const expression = parseExpression(text);
  try {
    expression.evaluate(value);
  } catch (error) {
    if (error instanceof ExpressionEvaluationError) return error;
    throw error;
  }
  throw new Error(`${text} did not throw on evaluation`);
}

const run = (text: string, value: unknown = {}): unknown => parseExpression(text).evaluate(value);

describe('parseExpression: literals and paths', () => {
  it('evaluates numbers, decimals and strings', () => {
    expect(run('42')).toBe(42);
    expect(run('2.5')).toBe(2.5);
    expect(run('"hello"')).toBe('hello');
    expect(run('"say \\"hi\\" \\\\ bye"')).toBe('say "hi" \\ bye');
    expect(run('""')).toBe('');
  });

  it('reads paths in the source value, and "$" as the value itself', () => {
    expect(run('total.currency', { total: { currency: 'EUR' } })).toBe('EUR');
    expect(run('$', 7)).toBe(7);
    expect(run('missing', {})).toBeNull();
  });

  it('maps paths through lists', () => {
    expect(run('lines.sku', { lines: [{ sku: 'A' }, { sku: 'B' }] })).toEqual(['A', 'B']);
  });

  it('lists every path read and every function called, once, first use first', () => {
    const expression = parseExpression(
      'sum(lines.qty) - coalesce(discount, 0) + sum(lines.qty) * count($) + minorUnits(total.amountMinor, total.currency)',
    );
    expect(expression.paths).toEqual([
      ['lines', 'qty'],
      ['discount'],
      [],
      ['total', 'amountMinor'],
      ['total', 'currency'],
    ]);
    expect(expression.functions).toEqual(['sum', 'coalesce', 'count', 'minorUnits']);
    expect(expression.text).toBe(
      'sum(lines.qty) - coalesce(discount, 0) + sum(lines.qty) * count($) + minorUnits(total.amountMinor, total.currency)',
    );
    expect(parseExpression('1 + 2').paths).toEqual([]);
    expect(parseExpression('1 + 2').functions).toEqual([]);
  });

  it('treats a function name without parentheses as a path', () => {
    expect(run('count + 1', { count: 4 })).toBe(5);
    expect(parseExpression('sum').paths).toEqual([['sum']]);
  });

  it('allows whitespace between tokens', () => {
    expect(run(' \t( a +\n b ) ', { a: 1, b: 2 })).toBe(3);
    expect(run('sum ( a )', { a: [1, 2] })).toBe(3);
  });
});

describe('parseExpression: arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['2 * 3 - 4 * 5', -14],
    ['12 / 4 / 3', 1],
    ['-3 * 2', -6],
    ['-(3 + 2) * 2', -10],
    ['--4', 4],
    ['1 - -1', 2],
    ['2 * -a', -10],
    ['a - reserved', 2],
    ['0.1 + 0.2', 0.1 + 0.2],
    ['7 / 2', 3.5],
  ])('%s = %j', (text, expected) => {
    expect(run(text, { a: 5, reserved: 3 })).toBe(expected);
  });

  it('always divides as doubles', () => {
    expect(run('6 / 3')).toBe(2);
    expect(run('1 / 3')).toBeCloseTo(0.3333333333, 9);
    expect(run('"9007199254740993" / 1')).toBe(9007199254740992);
  });

  it('reads digit and decimal strings as numbers', () => {
    expect(run('a + b', { a: '40', b: '2' })).toBe(42);
    expect(run('a * 2', { a: '1.25' })).toBe(2.5);
  });

  it('gives null when an operand is null', () => {
    expect(run('a + 1', { a: null })).toBeNull();
    expect(run('1 - missing', {})).toBeNull();
    expect(run('-missing', {})).toBeNull();
    expect(run('(a + 1) * 2 / 3', {})).toBeNull();
  });

  it('refuses lists, objects, booleans and words in arithmetic, naming the kind', () => {
    const list = evalError('onHand - reserved', [{ onHand: 1, reserved: 1 }]);
    expect(list.column).toBe(8);
    expect(list.message).toBe(
      "'-' at column 8 needs numbers, found a list; aggregate it first, e.g. with sum(...)",
    );
    expect(evalError('a * 2', { a: { b: 1 } }).message).toContain('found an object');
    expect(evalError('a * 2', { a: true }).message).toContain('found a boolean');
    const word = evalError('a + 1', { a: 'secret-token' });
    expect(word.message).toContain('found a string');
    expect(word.message).not.toContain('secret');
    expect(evalError('-a', { a: 'x' }).column).toBe(1);
  });

  it('refuses division by zero', () => {
    const error = evalError('a / (b - b)', { a: 1, b: 4 });
    expect(error.message).toBe('division by zero at column 3');
    expect(error.column).toBe(3);
  });
});

describe('parseExpression: exact integers past 2^53', () => {
  it('keeps big literals exact and returns them as digit strings', () => {
    expect(run('9007199254740993')).toBe('9007199254740993');
    expect(run('9007199254740993 + 2')).toBe('9007199254740995');
    expect(run('-9007199254740993 - 2')).toBe('-9007199254740995');
  });

  it('switches to BigInt for digit strings past 2^53', () => {
    expect(run('a + 1', { a: '9007199254740993' })).toBe('9007199254740994');
    expect(run('a - b', { a: '123456789012345678901234567890', b: '1' })).toBe(
      '123456789012345678901234567889',
    );
    expect(run('a * b', { a: '99999999999999999999', b: '99999999999999999999' })).toBe(
      '9999999999999999999800000000000000000001',
    );
    expect(run('-a', { a: '9007199254740993' })).toBe('-9007199254740993');
  });

  it('switches to BigInt when safe integers overflow', () => {
    expect(run('a * 4', { a: 2 ** 52 + 1 })).toBe('18014398509481988');
    expect(run('a + a', { a: Number.MAX_SAFE_INTEGER })).toBe('18014398509481982');
  });

  it('accepts bigints in the source value', () => {
    expect(run('a + 1', { a: 2n ** 64n })).toBe('18446744073709551617');
  });

  it('comes back to numbers when a big result fits again', () => {
    expect(run('a - b', { a: '9007199254740993', b: '9007199254740990' })).toBe(3);
    expect(run('sum(x)', { x: ['9007199254740993', '-9007199254740993', 5] })).toBe(5);
  });

  it('uses doubles when a fraction is involved', () => {
    expect(run('a + 0.5', { a: 10 })).toBe(10.5);
  });
});

describe('functions: aggregates', () => {
  const stock = [
    { warehouse: 'WH_EAST', onHand: 10, reserved: 3 },
    { warehouse: 'WH_WEST', onHand: 7, reserved: 0 },
    { warehouse: 'WH_CENTRAL', onHand: 1, reserved: 1 },
  ];

  it('sums over a list answer (the StockLevel binding)', () => {
    expect(run('sum(onHand) - sum(reserved)', stock)).toBe(14);
    expect(run('sum(onHand)', stock)).toBe(18);
    expect(run('onHand - reserved', stock[0])).toBe(7);
  });

  it('sums exactly past 2^53', () => {
    expect(run('sum(v)', { v: ['9007199254740993', 1, 1] })).toBe('9007199254740995');
  });

  it('has min, max and count', () => {
    expect(run('min(onHand)', stock)).toBe(1);
    expect(run('max(onHand)', stock)).toBe(10);
    expect(run('count(warehouse)', stock)).toBe(3);
    expect(run('max(v)', { v: ['9007199254740993', '9007199254740992', 3] })).toBe(
      '9007199254740993',
    );
    expect(run('min(v)', { v: [-2.5, '-9007199254740993', 0] })).toBe('-9007199254740993');
  });

  it('an empty list sums to 0 and counts 0; min and max of it are null', () => {
    expect(run('sum(v)', { v: [] })).toBe(0);
    expect(run('count(v)', { v: [] })).toBe(0);
    expect(run('min(v)', { v: [] })).toBeNull();
    expect(run('max(v)', { v: [] })).toBeNull();
  });

  it('never turns no data into 0 (issue 14): a missing list or a missing item makes every aggregate null', () => {
    for (const value of [{}, { v: null }, { v: [1, null, 2] }, { v: [[1], [null]] }]) {
      for (const fn of ['sum', 'count', 'min', 'max'])
        expect(run(`${fn}(v)`, value), `${fn} of ${JSON.stringify(value)}`).toBeNull();
    }
    expect(run('sum(a) - sum(b)', { a: [3], b: null })).toBeNull();
  });

  it('treats a single value as a list of one', () => {
    expect(run('sum(v)', { v: 4 })).toBe(4);
    expect(run('count(v)', { v: 'x' })).toBe(1);
  });

  it('aggregates through nested lists', () => {
    const customer = { orders: [{ lines: [{ qty: 1 }, { qty: 2 }] }, { lines: [{ qty: 4 }] }] };
    expect(run('sum(orders.lines.qty)', customer)).toBe(7);
    expect(run('count(orders.lines)', customer)).toBe(3);
    expect(run('count(orders)', customer)).toBe(2);
    expect(run('sum(v)', { v: [[1, 2], [], [[3]]] })).toBe(6);
  });

  it('refuses words in aggregates', () => {
    const error = evalError('1 + sum(v)', { v: [1, 'two'] });
    expect(error.column).toBe(5);
    expect(error.message).toContain('sum at column 5 needs numbers, found a string');
  });
});

describe('functions: coalesce and concat', () => {
  it('coalesce gives the first non-null value and stops there', () => {
    expect(run('coalesce(a, b, 3)', { b: 2 })).toBe(2);
    expect(run('coalesce(a, b)', {})).toBeNull();
    expect(run('coalesce(a, "none")', { a: 0 })).toBe(0);
    // The division by zero after the first non-null value is never evaluated.
    expect(run('coalesce(a, 1 / 0)', { a: 5 })).toBe(5);
  });

  it('concat joins strings and numbers, skipping nulls', () => {
    expect(run('concat(first, " ", last)', { first: 'Ada', last: 'Lovelace' })).toBe(
      'Ada Lovelace',
    );
    expect(run('concat(a, "-", b, c)', { a: 'x', b: 7 })).toBe('x-7');
    expect(run('concat(a)', {})).toBe('');
    expect(run('concat("#", n)', { n: '9007199254740993' })).toBe('#9007199254740993');
    expect(evalError('concat(a)', { a: ['x'] }).message).toBe(
      'concat at column 1 joins strings and numbers, found a list',
    );
  });
});

describe('functions: minorUnits', () => {
  it.each([
    ['1999', 'USD', '19.99'],
    [1999, 'USD', '19.99'],
    [5, 'USD', '0.05'],
    [0, 'USD', '0.00'],
    ['-1999', 'USD', '-19.99'],
    ['-5', 'USD', '-0.05'],
    ['-0', 'USD', '0.00'],
    ['000123', 'EUR', '1.23'],
    [500, 'JPY', '500'],
    ['-500', 'JPY', '-500'],
    ['1234', 'BHD', '1.234'],
    ['5', 'BHD', '0.005'],
    ['-1', 'BHD', '-0.001'],
    ['12345', 'HUF', '123.45'],
    ['12345', 'IQD', '12.345'],
    [12345n, 'GBP', '123.45'],
    ['123456789012345678901234567890', 'USD', '1234567890123456789012345678.90'],
    ['-123456789012345678901234567890', 'BHD', '-123456789012345678901234567.890'],
  ])('minorUnits(%s, %s) = %s', (amount, currency, expected) => {
    expect(run('minorUnits(a, c)', { a: amount, c: currency })).toBe(expected);
  });

  it('works on the Money source value', () => {
    expect(run('minorUnits(amountMinor, currency)', { amountMinor: '1999', currency: 'USD' })).toBe(
      '19.99',
    );
  });

  it('gives null for a null amount or currency', () => {
    expect(run('minorUnits(a, c)', { c: 'USD' })).toBeNull();
    expect(run('minorUnits(a, c)', { a: 1 })).toBeNull();
  });

  it('refuses unknown currencies and non-integer amounts', () => {
    expect(() => currencyExponent('XYZ')).toThrow('unknown currency "XYZ"');
    expect(() => currencyExponent('usd')).toThrow('unknown currency');
    const unknown = evalError('minorUnits(a, c)', { a: 1, c: 'XYZ' });
    expect(unknown.message).toBe('minorUnits at column 1: unknown currency "XYZ"');
    const garbage = evalError('minorUnits(a, c)', { a: 1, c: 'http://example.test/secret' });
    expect(garbage.message).not.toContain('secret');
    expect(evalError('minorUnits(a, "USD")', { a: 1.5 }).message).toContain(
      'needs an integer amount in minor units, found a number with a fraction',
    );
    expect(evalError('minorUnits(a, "USD")', { a: '1.50' }).message).toContain('found a string');
    expect(evalError('minorUnits(a, c)', { a: 1, c: 3 }).message).toContain(
      'needs a currency code, found a number',
    );
  });

  it('knows ISO exponents where display conventions differ', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('IDR')).toBe(2);
    expect(currencyExponent('CLF')).toBe(4);
  });
});

describe('functions: date and dateTime', () => {
  it('date gives the calendar date as written in an RFC 3339 date-time', () => {
    expect(run('date(createdAt)', { createdAt: '2026-11-24T10:15:00Z' })).toBe('2026-11-24');
    expect(run('date(t)', { t: '2026-11-24T23:30:00.123-05:00' })).toBe('2026-11-24');
    expect(run('date(t)', { t: '2026-11-24' })).toBe('2026-11-24');
    expect(run('date(t)', { t: '2024-02-29t00:00:00z' })).toBe('2024-02-29');
  });

  it('date gives the UTC date of epoch milliseconds and Date objects', () => {
    const ms = Date.UTC(2026, 10, 24, 23, 59, 59);
    expect(run('date(t)', { t: ms })).toBe('2026-11-24');
    expect(run('date(t)', { t: String(ms) })).toBe('2026-11-24');
    expect(run('date(t)', { t: new Date(ms + 1000) })).toBe('2026-11-25');
    expect(run('date(t)', { t: 0 })).toBe('1970-01-01');
    expect(run('date(t)', { t: -86_400_000 })).toBe('1969-12-31');
  });

  it('dateTime gives RFC 3339', () => {
    expect(run('dateTime(t)', { t: Date.UTC(2026, 10, 24, 10, 15) })).toBe(
      '2026-11-24T10:15:00.000Z',
    );
    expect(run('dateTime(t)', { t: '2026-11-24T10:15:00+02:00' })).toBe(
      '2026-11-24T10:15:00+02:00',
    );
    expect(run('dateTime(t)', { t: '2026-11-24 10:15:00.5z' })).toBe('2026-11-24T10:15:00.5Z');
    expect(run('dateTime(t)', { t: '2026-11-24' })).toBe('2026-11-24T00:00:00.000Z');
    expect(run('dateTime(t)', { t: new Date(Date.UTC(2020, 0, 1)) })).toBe(
      '2020-01-01T00:00:00.000Z',
    );
  });

  it('gives null for null', () => {
    expect(run('date(t)', {})).toBeNull();
    expect(run('dateTime(t)', { t: null })).toBeNull();
  });

  it.each([
    'yesterday',
    '2026-13-01',
    '2026-02-30',
    '2023-02-29',
    '2026-11-24T25:00:00Z',
    '2026-11-24T10:00:00',
    '2026-11-24T10:00:00+24:00',
    '99999999999999999999',
  ])('refuses %j without echoing it', (t) => {
    const error = evalError('date(t)', { t });
    expect(error.message).toMatch(
      /^date at column 1 needs an RFC 3339 date-time or epoch milliseconds/,
    );
    expect(error.message).not.toContain(t);
    expect(() => run('dateTime(t)', { t })).toThrow(ExpressionEvaluationError);
  });

  it('refuses epoch milliseconds outside what a Date can hold', () => {
    expect(() => run('date(t)', { t: 8.64e15 + 1 })).toThrow(ExpressionEvaluationError);
    expect(() => run('date(t)', { t: 2n ** 60n })).toThrow(ExpressionEvaluationError);
    expect(() => run('date(t)', { t: 1.5 })).toThrow(ExpressionEvaluationError);
  });
});

describe('parse errors', () => {
  it.each([
    ['', 1, 'expected a value at column 1, found an empty expression'],
    ['onHand -', 9, "expected a value after '-' at column 9, found end of expression"],
    ['a + * b', 5, "expected a value after '+' at column 5, found '*'"],
    ['(a + b', 7, "expected ')' at column 7 to close the '(' at column 1, found end of expression"],
    [
      'a + b)',
      6,
      "expected an operator or the end of the expression at column 6, found ')' (this ')' closes nothing)",
    ],
    ['a b', 3, "expected an operator or the end of the expression at column 3, found 'b'"],
    ['a "x"', 3, 'expected an operator or the end of the expression at column 3, found string "x"'],
    ['()', 2, "expected a value after '(' at column 2, found ')'"],
    ['sum(a,)', 7, "expected a value after ',' at column 7, found ')'"],
    ['sum(a b)', 7, "expected ',' or ')' at column 7 in the call of sum at column 1, found 'b'"],
    [
      'sum(a',
      6,
      "expected ',' or ')' at column 6 in the call of sum at column 1, found end of expression",
    ],
    [
      '1 + foo(2)',
      5,
      "unknown function 'foo' at column 5; known functions: coalesce, concat, count, date, dateTime, max, min, minorUnits, sum",
    ],
    ['a.sum(x)', 1, "unknown function 'a.sum' at column 1"],
    ['minorUnits(a)', 1, 'minorUnits at column 1 takes 2 arguments (amount, currency), found 1'],
    ['2 * sum()', 5, 'sum at column 5 takes 1 argument (list), found 0'],
    ['sum(a, b)', 1, 'sum at column 1 takes 1 argument (list), found 2'],
    ['coalesce()', 1, 'coalesce at column 1 takes at least 1 argument (a, b, ...), found 0'],
    ['"abc', 1, `unterminated string starting at column 1: expected a closing '"'`],
    ['"a\\nb"', 3, 'unknown escape at column 3'],
    ['a # b', 3, "unexpected character '#' at column 3"],
    ['a = b', 3, "unexpected character '=' at column 3"],
    ['1.', 3, "expected a digit after '.' at column 3, found end of expression"],
    ['.5', 1, "unexpected character '.' at column 1"],
    ['1e5', 2, "expected an operator after the number at column 1, found 'e' at column 2"],
    ['a.', 3, "expected a field name after '.' at column 3, found end of expression"],
    ['a..b', 3, "expected a field name after '.' at column 3, found '.'"],
    ['a.1', 3, "expected a field name after '.' at column 3, found '1'"],
    [
      '1 + $parent.sku',
      5,
      `'$' at column 5 is the source value itself and takes no path: an expression reads paths in it directly (write "sku", not "$parent.sku")`,
    ],
    ['$.total.currency', 1, 'write "total.currency", not "$.total.currency"'],
  ])('%j fails at column %i', (text, column, message) => {
    const error = parseError(text);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).not.toBeInstanceOf(ExpressionEvaluationError);
    expect(error.column).toBe(column);
    expect(error.message).toContain(message);
  });

  it('refuses text past 1,000 characters', () => {
    const text = `a${' + a'.repeat(250)}`;
    expect(text.length).toBeGreaterThan(1000);
    const error = parseError(text);
    expect(error.column).toBe(1001);
    expect(error.message).toBe(
      `an expression may be at most 1000 characters long, found ${text.length}`,
    );
    expect(() => parseExpression(`a${' + a'.repeat(199)}`)).not.toThrow();
  });

  it('allows 32 levels of nesting and refuses 33', () => {
    expect(run(`${'('.repeat(32)}1${')'.repeat(32)}`)).toBe(1);
    const deep = parseError(`${'('.repeat(33)}1${')'.repeat(33)}`);
    expect(deep.column).toBe(33);
    expect(deep.message).toBe('expression nests deeper than 32 levels at column 33');
    expect(parseError(`${'-'.repeat(33)}1`).column).toBe(33);
    expect(parseError(`${'sum('.repeat(33)}1${')'.repeat(33)}`).column).toBe(132);
    expect(run(`${'-'.repeat(32)}1`)).toBe(1);
  });

  it('evaluates a long flat chain without hitting the depth limit', () => {
    expect(run(`1${' + 1'.repeat(199)}`)).toBe(200);
  });
});

describe('the function list', () => {
  it('is what the docs list', () => {
    expect(EXPRESSION_FUNCTIONS).toEqual([
      'coalesce',
      'concat',
      'count',
      'date',
      'dateTime',
      'max',
      'min',
      'minorUnits',
      'sum',
    ]);
  });

  it('compiles once and evaluates many values independently', () => {
    const expression = parseExpression('onHand - reserved');
    expect(
      [
        { onHand: 5, reserved: 1 },
        { onHand: 2, reserved: 2 },
        { onHand: '9007199254740993', reserved: 0 },
      ].map((v) => expression.evaluate(v)),
    ).toEqual([4, 0, '9007199254740993']);
    expect(Object.isFrozen(expression)).toBe(true);
  });
});

describe('docs/directives.md', () => {
  it('documents every function, and no other', async () => {
    const { readFile } = await import('node:fs/promises');
    const docs = await readFile(new URL('../../../../docs/directives.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### `@compute'), docs.indexOf('### `@connection'));
    const documented = [...section.matchAll(/^\| `[^|]*\|/gm)]
      .flatMap((row) => [...row[0].matchAll(/`([A-Za-z]+)\(/g)].map((match) => match[1]))
      .sort();
    expect(documented).toEqual([...EXPRESSION_FUNCTIONS]);
  });
});
