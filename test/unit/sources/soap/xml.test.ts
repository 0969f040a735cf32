import { describe, expect, it } from 'vitest';
import { decodeEntities, escapeXml, parseXml, XmlRefusedError } from '../../../../sources/soap/xml.js';

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
    const root = parseXml('<a:x xmlns:a="urn:a" xmlns="urn:d" k="1&amp;2"><b>t&lt;&#65;&#x42;</b><![CDATA[<raw>&amp;]]></a:x>');
    expect(root).toMatchObject({ ns: 'urn:a', local: 'x', attrs: { k: '1&2' }, text: '<raw>&amp;' });
    expect(root.children[0]).toMatchObject({ ns: 'urn:d', local: 'b', text: 't<AB' });
  });

  it('reads documents with a BOM, whitespace and a comment before the XML declaration', () => {
    expect(parseXml('\uFEFF \n<!-- generated --><?xml version="1.0"?><root/>').local).toBe('root');
  });

  it('refuses any DOCTYPE before parsing (XXE, billion laughs)', () => {
    expect(refusal('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')).toBe('doctype');
    expect(refusal('<!doctype x><x/>')).toBe('doctype');
  });

  it('never expands an entity it did not define', () => {
    expect(parseXml('<x>&lol9;&nbsp;</x>').text).toBe('&lol9;&nbsp;');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
  });

  it('caps nesting depth while parsing', () => {
    const deep = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(refusal(deep(20), 32)).toBeUndefined();
    expect(refusal(deep(40), 32)).toBe('depth');
  });

  it('refuses malformed and empty documents', () => {
    expect(refusal('<a><b></a>')).toBe('malformed');
    expect(refusal('not xml')).toBe('malformed');
    expect(refusal('')).toBe('empty');
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
