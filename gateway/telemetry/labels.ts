/**
 * Bounded label values. Every label value becomes a time series in
 * Prometheus, and some of ours come from callers (a GraphQL operation name,
 * a partner's plan): without a cap one client sending random operation names
 * would grow the gateway's memory and the monitoring system's without end.
 */

/** The value every name past the cap is counted under. */
export const OTHER = 'other';

/** Longest label value kept; longer names are cut (a GraphQL name has no limit of its own). */
const MAX_LENGTH = 64;

/** A caller's name as a label: the first `max` distinct names as they are, every later one as "other". */
export interface LabelCap {
  (name: string): string;
  /** Distinct names admitted so far. */
  readonly size: number;
}

export function createLabelCap(max: number): LabelCap {
  const seen = new Set<string>();
  const cap = ((name: string): string => {
    const value = name.length > MAX_LENGTH ? name.slice(0, MAX_LENGTH) : name;
    if (seen.has(value)) return value;
    if (seen.size >= max) return OTHER;
    seen.add(value);
    return value;
  }) as LabelCap;
  Object.defineProperty(cap, 'size', { get: () => seen.size });
  return cap;
}
