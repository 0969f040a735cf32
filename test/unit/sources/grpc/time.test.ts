import { describe, expect, it } from 'vitest';
import {
  durationToString,
  stringToDuration,
  stringToTimestamp,
  timestampToString,
} from '../../../../sources/grpc/time.js';

describe('Timestamp and Duration text forms', () => {
  it('reads RFC 3339 with offsets and up to nine fraction digits', () => {
    expect(stringToTimestamp('1970-01-01T00:00:01Z')).toEqual({ seconds: '1', nanos: 0 });
    expect(stringToTimestamp('2026-11-24T10:30:00.000000001+01:00')).toEqual({
      seconds: String(Date.UTC(2026, 10, 24, 9, 30) / 1000),
      nanos: 1,
    });
    expect(() => stringToTimestamp('2026-13-45T99:00:00Z')).toThrow(TypeError);
  });

  it('writes 0, 3, 6 or 9 fraction digits as protobuf JSON does', () => {
    expect(timestampToString('0', 0)).toBe('1970-01-01T00:00:00Z');
    expect(timestampToString('0', 500_000_000)).toBe('1970-01-01T00:00:00.500Z');
    expect(timestampToString('0', 1_000)).toBe('1970-01-01T00:00:00.000001Z');
    expect(timestampToString('0', 7)).toBe('1970-01-01T00:00:00.000000007Z');
  });

  it('reads "1.5s" and ISO 8601 durations, negative ones too', () => {
    expect(stringToDuration('1.5s')).toEqual({ seconds: '1', nanos: 500_000_000 });
    expect(stringToDuration('-0.25s')).toEqual({ seconds: '-0', nanos: -250_000_000 });
    expect(stringToDuration('PT1H30M')).toEqual({ seconds: '5400', nanos: 0 });
    expect(stringToDuration('P1DT0.5S')).toEqual({ seconds: '86400', nanos: 500_000_000 });
    expect(() => stringToDuration('P')).toThrow(TypeError);
    expect(() => stringToDuration('ten minutes')).toThrow(TypeError);
  });

  it('writes durations as seconds with a unit', () => {
    expect(durationToString('259200', 0)).toBe('259200s');
    expect(durationToString('-1', -500_000_000)).toBe('-1.500s');
  });
});
