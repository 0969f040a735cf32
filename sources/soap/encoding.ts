/**
 * Bytes of an XML document → text, in the encoding the document declares,
 * or a refusal. The declarations are the byte order mark, the HTTP
 * `Content-Type` charset and the XML declaration's `encoding`; when they
 * disagree, or name an encoding we do not read (UTF-7, EBCDIC...), or the
 * bytes are not valid in it, the document is refused rather than guessed at
 * (a guess is how "UTF-8 bytes labelled UTF-16" or UTF-7 smuggling gets in).
 *
 * Hand-written because the rules are a dozen lines over the platform's own
 * fatal TextDecoder; an XML encoding-sniffing library would bring a
 * transcoder for encodings we mean to refuse.
 */
import { XmlRefusedError } from './xml.js';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'us-ascii' | 'iso-8859-1';

/** The names we accept for each encoding we read, lower case (IANA names and common aliases). */
const NAMES: ReadonlyMap<string, Encoding | 'utf-16'> = new Map([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['utf-16', 'utf-16'],
  ['utf-16le', 'utf-16le'],
  ['utf-16be', 'utf-16be'],
  ['us-ascii', 'us-ascii'],
  ['ascii', 'us-ascii'],
  ['iso-8859-1', 'iso-8859-1'],
  ['latin1', 'iso-8859-1'],
  ['iso_8859-1', 'iso-8859-1'],
]);

/** Two declarations agree when they name the same family (utf-16 covers both byte orders; ASCII is a subset of UTF-8 and Latin-1). */
function compatible(declared: Encoding | 'utf-16', actual: Encoding): boolean {
  if (declared === actual) return true;
  if (declared === 'utf-16') return actual === 'utf-16le' || actual === 'utf-16be';
  if (declared === 'us-ascii') return actual === 'utf-8' || actual === 'iso-8859-1';
  return false;
}

const shown = (name: string): string => name.replace(/[^\w.:-]/g, '').slice(0, 30);

function known(name: string, where: string): Encoding | 'utf-16' {
  const found = NAMES.get(name.trim().toLowerCase());
  if (found === undefined)
    throw new XmlRefusedError(
      'encoding',
      `The ${where} declares the encoding "${shown(name)}", which is not read (UTF-8, UTF-16, US-ASCII and ISO-8859-1 are).`,
    );
  return found;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}

function bomOf(bytes: Buffer): Encoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** UTF-16 without a BOM, recognised by its first character '<' (XML 1.0 appendix F). */
function sniff(bytes: Buffer): Encoding | undefined {
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return 'utf-16be';
  return undefined;
}

function decode(bytes: Buffer, encoding: Encoding): string {
  try {
    if (encoding === 'us-ascii') {
      if (bytes.some((byte) => byte > 0x7f)) throw new Error('not ASCII');
      return bytes.toString('latin1');
    }
    if (encoding === 'iso-8859-1') return bytes.toString('latin1');
    // fatal: an invalid sequence is a refusal, never a U+FFFD that reads on.
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new XmlRefusedError('encoding', `The document is not valid ${encoding.toUpperCase()}.`);
  }
}

/**
 * Decodes `bytes` in the encoding their declarations agree on (UTF-8 when none is given).
 * @param contentType the HTTP Content-Type, when the bytes came over HTTP
 * @throws XmlRefusedError (reason "encoding") on an unknown encoding, disagreeing declarations or invalid bytes
 */
export function decodeXmlBytes(bytes: Buffer, contentType?: string): string {
  const bom = bomOf(bytes);
  const charset = charsetOf(contentType);
  const fromHeader = charset === undefined ? undefined : known(charset, 'Content-Type header');
  let encoding: Encoding;
  if (bom !== undefined) {
    if (fromHeader !== undefined && !compatible(fromHeader, bom))
      throw new XmlRefusedError(
        'encoding',
        `The document's byte order mark (${bom.toUpperCase()}) contradicts its Content-Type charset.`,
      );
    encoding = bom;
  } else if (fromHeader !== undefined) {
    // UTF-16 named without a byte order: big-endian (RFC 2781), unless the first character says otherwise.
    encoding = fromHeader === 'utf-16' ? (sniff(bytes) ?? 'utf-16be') : fromHeader;
  } else {
    encoding = sniff(bytes) ?? 'utf-8';
  }
  const text = decode(bytes, encoding);
  // Bytes in another encoding than the declared one rarely fail to decode (any byte pair is UTF-16), but they do not read as XML.
  if (encoding !== 'utf-8' && text.trim() !== '' && !/^\uFEFF?\s*</.test(text.slice(0, 64)))
    throw new XmlRefusedError(
      'encoding',
      `The document does not read as XML in ${encoding.toUpperCase()}, the encoding it declares.`,
    );
  const declaration = /^\uFEFF?\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(
    text.slice(0, 512),
  );
  if (declaration !== undefined && declaration !== null) {
    const declared = known(declaration[1] ?? '', 'XML declaration');
    if (!compatible(declared, encoding)) {
      throw new XmlRefusedError(
        'encoding',
        `The XML declaration says ${shown(declaration[1] ?? '').toUpperCase()} but the document is ${encoding.toUpperCase()}.`,
      );
    }
  } else if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // XML 1.0 §4.3.3: without a declaration, only UTF-8 or a BOM-marked UTF-16 is allowed.
    if (bom === undefined && fromHeader === undefined)
      throw new XmlRefusedError(
        'encoding',
        'The document is UTF-16 without a byte order mark or a declaration.',
      );
  }
  return text;
}
