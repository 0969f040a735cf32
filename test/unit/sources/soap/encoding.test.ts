import { describe, expect, it } from 'vitest';
import { decodeXmlBytes } from '../../../../sources/soap/encoding.js';
import { XmlRefusedError } from '../../../../sources/soap/xml.js';

const refused = (bytes: Buffer, contentType?: string): string => {
  try {
    decodeXmlBytes(bytes, contentType);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlRefusedError);
    expect((error as XmlRefusedError).reason).toBe('encoding');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

const utf16le = (text: string, bom = true): Buffer =>
  Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);

describe('decodeXmlBytes: the declared encoding or a refusal (issue 14)', () => {
  it('reads UTF-8 by default, with or without a BOM or declaration', () => {
    expect(decodeXmlBytes(Buffer.from('<a>é</a>'))).toBe('<a>é</a>');
    expect(
      decodeXmlBytes(
        Buffer.from('\uFEFF<?xml version="1.0" encoding="utf-8"?><a>é</a>'),
        'text/xml; charset=UTF-8',
      ),
    ).toContain('<a>é</a>');
  });

  it('reads UTF-16 when its BOM, its header or its declaration say so consistently', () => {
    expect(decodeXmlBytes(utf16le('<?xml version="1.0" encoding="UTF-16"?><a>é</a>'))).toContain(
      '<a>é</a>',
    );
    expect(decodeXmlBytes(utf16le('<a>é</a>', false), 'text/xml; charset=utf-16le')).toBe(
      '<a>é</a>',
    );
  });

  it('reads Latin-1 when declared', () => {
    expect(
      decodeXmlBytes(Buffer.from('<a>\xe9</a>', 'latin1'), 'text/xml; charset=ISO-8859-1'),
    ).toBe('<a>é</a>');
  });

  it('refuses an encoding it does not read (UTF-7), from the header or the declaration', () => {
    expect(refused(Buffer.from('<a>+ADw-script+AD4-</a>'), 'text/xml; charset=utf-7')).toMatch(
      /utf-7/,
    );
    expect(refused(Buffer.from('<?xml version="1.0" encoding="UTF-7"?><a/>'))).toMatch(/UTF-7/);
  });

  it('refuses UTF-8 bytes labelled UTF-16, by the header or by the declaration', () => {
    refused(Buffer.from('<?xml version="1.0"?><a>é</a>'), 'text/xml; charset=utf-16');
    refused(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>'));
  });

  it('refuses declarations that disagree, and bytes invalid in the declared encoding', () => {
    refused(utf16le('<a/>'), 'text/xml; charset=utf-8');
    refused(
      Buffer.from('<?xml version="1.0" encoding="utf-8"?><a/>'),
      'text/xml; charset=iso-8859-1',
    );
    refused(Buffer.concat([Buffer.from('<a>'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]));
    refused(Buffer.from('<a>é</a>'), 'text/xml; charset=us-ascii');
    refused(utf16le('<a/>', false));
  });
});
