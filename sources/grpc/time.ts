/**
 * google.protobuf.Timestamp and Duration ↔ their JSON forms (RFC 3339 and
 * "1.5s"), keeping every nanosecond: a JS Date holds only milliseconds.
 */

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;
const PROTO_DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const ISO_DURATION =
  /^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/;

/** Nanos as 0, 3, 6 or 9 fraction digits, as protobuf's JSON mapping writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  return `.${digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits}`;
}

const nanosOf = (digits: string | undefined): number =>
  digits ? Number(digits.padEnd(9, '0')) : 0;

export function timestampToString(seconds: string | number, nanos: number): string {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) throw new TypeError('timestamp out of range');
  return `${date.toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

export function stringToTimestamp(text: string): { seconds: string; nanos: number } {
  const match = RFC3339.exec(text);
  if (!match) throw new TypeError(`"${text.slice(0, 40)}" is not an RFC 3339 date-time`);
  const [, date, time, digits, offset] = match;
  const ms = Date.parse(`${date}T${time}${offset && offset.toUpperCase() !== 'Z' ? offset : 'Z'}`);
  if (Number.isNaN(ms)) throw new TypeError(`"${text.slice(0, 40)}" is not a valid date-time`);
  return { seconds: String(Math.floor(ms / 1000)), nanos: nanosOf(digits) };
}

export function durationToString(seconds: string | number, nanos: number): string {
  const negative = String(seconds).startsWith('-') || nanos < 0;
  const whole = String(seconds).replace(/^-/, '');
  return `${negative ? '-' : ''}${whole}${fraction(Math.abs(nanos))}s`;
}

export function stringToDuration(text: string): { seconds: string; nanos: number } {
  const sign = (negative: string | undefined, value: number): number => (negative ? -value : value);
  const proto = PROTO_DURATION.exec(text);
  if (proto) {
    const [, negative, whole = '0', digits] = proto;
    return { seconds: negative ? `-${whole}` : whole, nanos: sign(negative, nanosOf(digits)) };
  }
  const iso = ISO_DURATION.exec(text);
  if (iso && text !== 'P' && text !== '-P') {
    const [, negative, weeks, days, hours, minutes, secs, digits] = iso;
    const total =
      (Number(weeks ?? 0) * 7 + Number(days ?? 0)) * 86_400 +
      Number(hours ?? 0) * 3600 +
      Number(minutes ?? 0) * 60 +
      Number(secs ?? 0);
    return { seconds: String(sign(negative, total)), nanos: sign(negative, nanosOf(digits)) };
  }
  throw new TypeError(`"${text.slice(0, 40)}" is not a duration like "1.5s" or "PT1H30M"`);
}
