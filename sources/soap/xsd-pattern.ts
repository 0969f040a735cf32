/**
 * XML Schema regular expressions (XSD 1.0 Part 2, Appendix F) → JavaScript
 * (`u` flag), for `@constraint(pattern:)`. The dialects share most syntax
 * but not all meaning, so each construct is translated or refused:
 *
 * - XSD patterns match the whole value: `^` and `$` are ordinary characters
 *   (escaped here), and the gateway anchors the result itself.
 * - `\d` is any Unicode decimal digit (`\p{Nd}`), `\w` is "not punctuation,
 *   separator or other" and `\s` is only space, tab, CR and LF; JavaScript's
 *   are ASCII or wider, so they are spelled out.
 * - `.` excludes only CR and LF (JavaScript's also excludes U+2028/2029).
 * - Groups never capture in XSD, so `(` becomes `(?:`.
 * - `\i`/`\c` (XML name characters), `\p{IsBlock}` (Unicode blocks) and
 *   class subtraction (`[a-z-[aeiou]]`) have no JavaScript equivalent with
 *   the `u` flag: such a pattern is not translated (the caller warns), as
 *   is anything JavaScript then fails to compile. A pattern left out only
 *   loosens the edge check; the backend still validates.
 * Hand-written: no maintained npm package translates this dialect.
 */

/** The translated pattern, or why it cannot be translated faithfully. */
export type PatternTranslation =
  { readonly ok: true; readonly pattern: string } | { readonly ok: false; readonly reason: string };

/** Single-character escapes XSD allows, as JavaScript (u flag) writes them outside a class. */
const SINGLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\\n',
  r: '\\r',
  t: '\\t',
  '\\': '\\\\',
  '|': '\\|',
  '.': '\\.',
  '-': '-',
  '^': '\\^',
  '?': '\\?',
  '*': '\\*',
  '+': '\\+',
  '{': '\\{',
  '}': '\\}',
  '(': '\\(',
  ')': '\\)',
  '[': '\\[',
  ']': '\\]',
};

/** Multi-character escapes: [outside a class, inside a class or undefined when a class cannot hold it]. */
const CLASS_ESCAPES: Readonly<Record<string, readonly [string, string | undefined]>> = {
  d: ['\\p{Nd}', '\\p{Nd}'],
  D: ['\\P{Nd}', '\\P{Nd}'],
  s: ['[ \\t\\n\\r]', ' \\t\\n\\r'],
  S: ['[^ \\t\\n\\r]', undefined],
  w: ['[^\\p{P}\\p{Z}\\p{C}]', undefined],
  W: ['[\\p{P}\\p{Z}\\p{C}]', '\\p{P}\\p{Z}\\p{C}'],
};

const UNTRANSLATABLE_ESCAPES: Readonly<Record<string, string>> = {
  i: '\\i (XML name start characters)',
  I: '\\I (not XML name start characters)',
  c: '\\c (XML name characters)',
  C: '\\C (not XML name characters)',
};

/** Translates one XSD pattern; see the module comment for what is refused. */
export function translateXsdPattern(xsd: string): PatternTranslation {
  const chars = [...xsd];
  let out = '';
  let inClass = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return { ok: false, reason: 'it ends with a lone backslash' };
      i++;
      if (next === 'p' || next === 'P') {
        const close = chars.indexOf('}', i);
        if (chars[i + 1] !== '{' || close < 0)
          return { ok: false, reason: `\\${next} without {name}` };
        const name = chars.slice(i + 2, close).join('');
        if (name.startsWith('Is'))
          return { ok: false, reason: `\\${next}{${name}} names a Unicode block` };
        // General categories (L, Lu, Nd…) mean the same in both; compiling below checks the name.
        out += `\\${next}{${name}}`;
        i = close;
      } else if (next in UNTRANSLATABLE_ESCAPES) {
        return { ok: false, reason: `it uses ${UNTRANSLATABLE_ESCAPES[next] as string}` };
      } else if (next in CLASS_ESCAPES) {
        const [outside, inside] = CLASS_ESCAPES[next] as readonly [string, string | undefined];
        if (inClass && inside === undefined)
          return { ok: false, reason: `\\${next} inside a character class` };
        out += inClass ? inside : outside;
      } else if (next in SINGLE_ESCAPES) {
        out += inClass && next === '-' ? '\\-' : (SINGLE_ESCAPES[next] as string);
      } else {
        return { ok: false, reason: `\\${next} is not an XML Schema escape` };
      }
      continue;
    }
    if (inClass) {
      if (c === '-' && chars[i + 1] === '[')
        return { ok: false, reason: 'it subtracts character classes' };
      if (c === '^') out += '\\^';
      else if (c === '[') out += '\\[';
      else out += c;
      // XSD has no empty class, so the first ] always closes.
      if (c === ']') inClass = false;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (chars[i + 1] === '^') {
          out += '^';
          i++;
        }
        break;
      case '^':
      case '$':
        out += `\\${c}`;
        break;
      case '.':
        out += '[^\\n\\r]';
        break;
      case '(':
        out += '(?:';
        break;
      default:
        out += c;
    }
  }
  if (inClass) return { ok: false, reason: 'a character class is not closed' };
  try {
    new RegExp(`^(?:${out})$`, 'u');
  } catch {
    return { ok: false, reason: 'JavaScript cannot compile its translation' };
  }
  return { ok: true, pattern: out };
}

/**
 * One pattern for a chain of restriction steps: XSD ORs the patterns of one
 * step and ANDs the steps (each must match the whole value), so every step
 * but the last becomes a lookahead.
 */
export function combinePatterns(steps: ReadonlyArray<readonly string[]>): string | undefined {
  const alternatives = steps
    .filter((step) => step.length > 0)
    .map((step) => (step.length === 1 ? (step[0] as string) : step.join('|')));
  if (alternatives.length === 0) return undefined;
  if (alternatives.length === 1) return alternatives[0];
  const last = alternatives.pop() as string;
  return `${alternatives.map((p) => `(?=(?:${p})$)`).join('')}(?:${last})`;
}
