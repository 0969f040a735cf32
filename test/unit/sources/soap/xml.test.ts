import { describe, expect, it } from 'vitest';
import {
  escapeXml,
  parseXml,
  parseXmlInSlices,
  resolveQName,
  XmlRefusedError,
} from '../../../../sources/soap/xml.js';

const refusal = (input: string, maxDepth?: number): string | undefined => {
  try {
    parseXml(input, { maxDepth });
    return undefined;
  } catch (error) {
    return error instanceof XmlRefusedError ? error.reason : 'other';
  }
};

describe('parseXml', () => {
  it('resolves namespaces, decodes predefined entities and keeps CDATA raw', () => {
    const root = parseXml(
      '<a:x xmlns:a="urn:a" xmlns="urn:d" k="1&amp;2"><b>t&lt;&#65;&#x42;</b><![CDATA[<raw>&amp;]]></a:x>',
    );
    expect(root).toMatchObject({
      ns: 'urn:a',
      local: 'x',
      attrs: { k: '1&2' },
      text: '<raw>&amp;',
    });
    expect(root.children[0]).toMatchObject({ ns: 'urn:d', local: 'b', text: 't<AB' });
  });

  it('reads documents with a BOM, whitespace and a comment before the XML declaration', () => {
    expect(parseXml('\uFEFF \n<!-- generated --><?xml version="1.0"?><root/>').local).toBe('root');
    expect(
      parseXml(Buffer.from('\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<root>é</root>', 'utf8'))
        .text,
    ).toBe('é');
  });

  it('refuses any DOCTYPE before parsing (XXE, billion laughs)', () => {
    expect(
      refusal(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      ),
    ).toBe('doctype');
    expect(refusal('<!doctype x><x/>')).toBe('doctype');
    expect(refusal('<x><!DOCTYPE y></x>')).toBe('doctype');
  });

  it('never expands an entity it did not define', () => {
    expect(parseXml('<x>&lol9;&nbsp;</x>').text).toBe('&lol9;&nbsp;');
    expect(parseXml('<x a="&lol9;"/>').attrs.a).toBe('&lol9;');
    // One level of decoding only: an escaped reference stays a reference.
    expect(parseXml('<x>&amp;lt;</x>').text).toBe('&lt;');
  });

  it('keeps references named like object members literal instead of resolving them through a prototype', () => {
    expect(
      parseXml('<a b="&toString;">&toString;&__proto__;&constructor;&hasOwnProperty;</a>'),
    ).toMatchObject({
      attrs: { b: '&toString;' },
      text: '&toString;&__proto__;&constructor;&hasOwnProperty;',
    });
  });

  it('caps nesting depth while parsing', () => {
    const deep = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(refusal(deep(20), 32)).toBeUndefined();
    expect(refusal(deep(40), 32)).toBe('depth');
  });

  it('caps depth at exactly maxDepth open elements, counting a self-closed element', () => {
    const deep = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(refusal(deep(8), 8)).toBeUndefined();
    expect(refusal(deep(9), 8)).toBe('depth');
    expect(refusal(`${'<a>'.repeat(8)}<b/>${'</a>'.repeat(8)}`, 8)).toBe('depth');
  });

  it('stops at the first element past the cap, before reading what follows', () => {
    // The tail is malformed; a parser that read on would report that instead.
    expect(refusal(`${'<a>'.repeat(3)}<<<not xml`, 2)).toBe('depth');
  });

  it('refuses malformed and empty documents', () => {
    expect(refusal('<a><b></a>')).toBe('malformed');
    expect(refusal('not xml')).toBe('malformed');
    expect(refusal('')).toBe('empty');
    expect(refusal('  <!-- only a comment -->  ')).toBe('empty');
    expect(refusal('<?xml version="1.0"?>')).toBe('empty');
  });
});

describe('parseXml: well-formedness', () => {
  it.each([
    ['a mismatched end tag', '<a><b></a></b>'],
    ['an element never closed', '<a><b></b>'],
    ['an end tag never closed', '<a></a'],
    ['a start tag never closed', '<a x="1"'],
    ['two root elements', '<a/><b/>'],
    ['two root elements apart', '<a/>  <b/>'],
    ['text after the root', '<a/>tail'],
    ['CDATA outside the root', '<a/><![CDATA[x]]>'],
    ['an unclosed comment', '<a><!-- never</a>'],
    ['an unclosed CDATA section', '<a><![CDATA[x</a>'],
    ['an unclosed processing instruction', '<a><?pi x</a>'],
    ['a markup declaration in the body', '<a><!ELEMENT a ANY></a>'],
    ['an attribute without a value', '<a b/>'],
    ['an unquoted attribute value', '<a b=c/>'],
    ['an attribute value never closed', '<a b="c/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['a duplicate namespace declaration', '<a xmlns:p="u" xmlns:p="v"/>'],
    ['attributes run together', '<a b="1"c="2"/>'],
    ['a name starting with a digit', '<1a/>'],
    ['whitespace before the name', '< a/>'],
    ['a slash not closing the tag', '<a / >'],
    ['a bare ampersand in text', '<a>fish & chips</a>'],
    ['a bare ampersand in an attribute', '<a b="fish & chips"/>'],
    ['an empty reference', '<a>&;</a>'],
    ['a < inside an attribute value', '<a b="1<2"/>'],
    [']]> in text', '<a>]]></a>'],
    ['a control character', '<a>\u0001</a>'],
    ['a character reference to a character XML cannot carry', '<a>&#0;</a>'],
    ['a character reference to a lone surrogate', '<a>&#xD800;</a>'],
    ['an element prefix never declared', '<p:a/>'],
    ['an attribute prefix never declared', '<a p:b="1"/>'],
    ['a name with two colons', '<a:b:c xmlns:a="u"/>'],
    ['a reserved element name', '<note><__proto__/></note>'],
    ['a reserved element name behind a prefix', '<note xmlns:p="u"><p:prototype/></note>'],
    ['a reserved attribute name', '<note constructor="x"/>'],
    ['a reserved attribute name behind a prefix', '<note xmlns:p="u" p:__proto__="x"/>'],
  ])('refuses %s as malformed', (_, input) => {
    expect(refusal(input)).toBe('malformed');
  });

  it('says where the document breaks, without quoting more than a short name', () => {
    const long = 'n'.repeat(500);
    try {
      parseXml(`<a>\n<b>\n</${long}>\n</a>`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlRefusedError);
      const message = (error as Error).message;
      expect(message).toMatch(/line 3/);
      expect(message.length).toBeLessThan(200);
    }
  });
});

describe('parseXml: content', () => {
  it('skips comments and processing instructions, keeps whitespace and joins text around children', () => {
    const root = parseXml(
      '<a> x <!-- c --><?pi y?><b/> z <![CDATA[<w>]]></a>  <!-- after -->  <?after?>',
    );
    expect(root.text).toBe(' x  z <w>');
    expect(root.children.map((child) => child.local)).toEqual(['b']);
  });

  it('normalises CRLF and CR line ends to LF', () => {
    expect(parseXml('<a>1\r\n2\r3</a>').text).toBe('1\n2\n3');
  });

  it('reads single-quoted attributes, spaces around =, and names that are object methods elsewhere', () => {
    const root = parseXml(
      `<toString  b = 'x"y'\n c="1&amp;2" valueOf="v" hasOwnProperty="h"><valueOf/></toString>`,
    );
    expect(root).toMatchObject({
      local: 'toString',
      attrs: { b: 'x"y', c: '1&2', valueOf: 'v', hasOwnProperty: 'h' },
    });
    expect(root.children[0]?.local).toBe('valueOf');
    expect(Object.getPrototypeOf(root.attrs)).toBe(Object.prototype);
  });

  it('scopes namespace declarations to their element and its descendants', () => {
    const root = parseXml('<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/><e/></p:a>');
    const [b, d, e] = root.children;
    expect(root.ns).toBe('urn:1');
    expect(b?.ns).toBe('urn:2');
    expect(b?.children[0]?.ns).toBe('urn:2');
    expect(d?.ns).toBe('urn:1');
    expect(e?.ns).toBe('');
    expect(Object.keys(root.attrs)).toEqual([]);
  });

  it('keeps the in-scope prefixes for QName values, with xml bound above the root', () => {
    const root = parseXml(
      '<s xmlns:tns="urn:t" xmlns="urn:d"><e type="tns:Item" base="Plain" xml:lang="en"/></s>',
    );
    const e = root.children[0];
    if (!e) throw new Error('no child');
    expect(resolveQName(e, e.attrs.type ?? '')).toEqual({ ns: 'urn:t', local: 'Item' });
    expect(resolveQName(e, e.attrs.base ?? '')).toEqual({ ns: 'urn:d', local: 'Plain' });
    expect(e.attrs['xml:lang']).toBe('en');
    expect(e.scope.get('xml')).toBe('http://www.w3.org/XML/1998/namespace');
  });

  it('keeps an unknown reference literal and decodes character references', () => {
    expect(parseXml('<a>&custom.name;&#x263A;&#65;&gt;&#x1F600;</a>').text).toBe(
      '&custom.name;☺A>😀',
    );
  });
});

describe('escapeXml', () => {
  it('escapes markup so a value can never open or close an element', () => {
    const escaped = escapeXml(`</itemCode><evil attr="1">'&`);
    expect(escaped).toBe('&lt;/itemCode&gt;&lt;evil attr=&quot;1&quot;&gt;&apos;&amp;');
    expect(parseXml(`<v>${escaped}</v>`).text).toBe(`</itemCode><evil attr="1">'&`);
  });
  it('refuses control characters XML 1.0 cannot carry', () => {
    expect(() => escapeXml('a\u0000b')).toThrow(RangeError);
  });
});

describe('parseXmlInSlices (issue 14: big answers)', () => {
  const big = `<r>${'<i a="1">text</i>'.repeat(20_000)}</r>`;

  it('reads what parseXml reads, yielding to the event loop between slices', async () => {
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    // No time bound here: on a loaded machine, parsing time is not what this test counts.
    const root = await parseXmlInSlices(big, { sliceChars: 16 * 1024, maxParseMs: 60_000 });
    running = false;
    expect(root.children).toHaveLength(20_000);
    // Other work ran between slices: about one turn per slice (big is ~360 KB, 22 slices).
    expect(turns).toBeGreaterThanOrEqual(Math.floor(big.length / (16 * 1024)) - 1);
  });

  it('refuses more elements than maxElements, and stops there', async () => {
    await expect(parseXmlInSlices(big, { maxElements: 1_000 })).rejects.toMatchObject({
      reason: 'elements',
    });
  });

  it('refuses an answer whose parsing takes longer than maxParseMs', async () => {
    await expect(
      parseXmlInSlices(big, { maxParseMs: 0.001, sliceChars: 4096 }),
    ).rejects.toMatchObject({ reason: 'time' });
  });

  it('refuses a DOCTYPE and malformed XML as parseXml does', async () => {
    await expect(parseXmlInSlices('<!DOCTYPE x [<!ENTITY e "e">]><x/>')).rejects.toMatchObject({
      reason: 'doctype',
    });
    await expect(parseXmlInSlices(`<a>${'<b>'.repeat(10)}</a>`)).rejects.toBeInstanceOf(
      XmlRefusedError,
    );
  });
});
