/**
 * The telemetry hooks other parts of the gateway call (the write executor,
 * per-token limits, the journal), and the label cap, on their own.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  createGatewayMetrics,
  createLabelCap,
  createTelemetry,
  OTHER,
} from '../../../../gateway/telemetry/index.js';
import { labelValues, total } from '../../../integration/telemetry/prometheus-text.js';

const OPTIONS = {
  metrics: { enabled: true, maxOperationNames: 200 },
  tracing: {
    enabled: false,
    endpoint: null,
    serviceName: 'switchboard',
    sampleRatio: 1,
    trustIncoming: true,
  },
} as const;

describe('createLabelCap', () => {
  it('admits the first N distinct names, then answers "other"; admitted names stay themselves', () => {
    const cap = createLabelCap(2);
    expect([cap('A'), cap('B'), cap('C'), cap('A'), cap('D')]).toEqual([
      'A',
      'B',
      OTHER,
      'A',
      OTHER,
    ]);
    expect(cap.size).toBe(2);
  });

  it('cuts very long names so one label value stays small', () => {
    const cap = createLabelCap(10);
    expect(cap('x'.repeat(10_000))).toHaveLength(64);
    expect(cap('x'.repeat(20_000))).toBe('x'.repeat(64));
    expect(cap.size).toBe(1);
  });
});

describe('metrics hooks', () => {
  it('observeWrite counts writes by state; unknown states count as "other"', async () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 10 });
    metrics.observeWrite('succeeded');
    metrics.observeWrite('succeeded');
    metrics.observeWrite('dead-lettered');
    metrics.observeWrite('SKU-00042');
    const text = await metrics.render();
    expect(total(text, 'switchboard_writes_total', { state: 'succeeded' })).toBe(2);
    expect(total(text, 'switchboard_writes_total', { state: 'dead-lettered' })).toBe(1);
    expect(total(text, 'switchboard_writes_total', { state: 'other' })).toBe(1);
    expect(text).not.toContain('SKU-00042');
  });

  it('readDeadLetters is read at every scrape (sync or async), and a later reader replaces the first', async () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 10 });
    expect(total(await metrics.render(), 'switchboard_dead_letters')).toBe(0);
    let waiting = 3;
    metrics.readDeadLetters(() => waiting);
    expect(total(await metrics.render(), 'switchboard_dead_letters')).toBe(3);
    waiting = 5;
    expect(total(await metrics.render(), 'switchboard_dead_letters')).toBe(5);
    metrics.readDeadLetters(async () => 7);
    expect(total(await metrics.render(), 'switchboard_dead_letters')).toBe(7);
  });

  it('observeTokenRateLimited counts by plan, at most 20 plans by name', async () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 10 });
    metrics.observeTokenRateLimited('gold');
    metrics.observeTokenRateLimited(undefined);
    for (let plan = 0; plan < 30; plan += 1) metrics.observeTokenRateLimited(`plan-${plan}`);
    const text = await metrics.render();
    expect(total(text, 'switchboard_token_rate_limited_total', { plan: 'gold' })).toBe(1);
    expect(total(text, 'switchboard_token_rate_limited_total', { plan: 'none' })).toBe(1);
    expect(labelValues(text, 'switchboard_token_rate_limited_total', 'plan')).toHaveLength(21);
    expect(total(text, 'switchboard_token_rate_limited_total', { plan: 'other' })).toBe(12);
    expect(total(text, 'switchboard_token_rate_limited_total')).toBe(32);
  });

  it('two gateways keep apart registries: one counts nothing of the other', async () => {
    const one = createGatewayMetrics({ maxOperationNames: 10 });
    const two = createGatewayMetrics({ maxOperationNames: 10 });
    one.observeRequest('A', 'success', 0.01);
    expect(total(await one.render(), 'switchboard_requests_total')).toBe(1);
    expect(total(await two.render(), 'switchboard_requests_total')).toBe(0);
  });
});

describe('createTelemetry', () => {
  it('counts nothing without an admin credential (nobody could read it) and makes no tracer while tracing is off', () => {
    const telemetry = createTelemetry(OPTIONS, { adminEnabled: false });
    expect(telemetry.metrics).toBeUndefined();
    expect(telemetry.tracing).toBeUndefined();
    expect(createTelemetry(OPTIONS, { adminEnabled: true }).metrics).toBeDefined();
  });

  it('journalStep runs the step inside its own span and hands it the parent for its calls; without tracing it just runs', async () => {
    const off = createTelemetry(OPTIONS, { adminEnabled: false });
    expect(
      await off.journalStep(
        { writeId: 'w1', step: 0, source: 'erp', operation: 'createOrder' },
        async (telemetry) => telemetry,
      ),
    ).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    const telemetry = createTelemetry(
      { ...OPTIONS, tracing: { ...OPTIONS.tracing, enabled: true } },
      { adminEnabled: false, spanProcessors: [new SimpleSpanProcessor(exporter)] },
    );
    const facts = { writeId: 'w1', step: 1, source: 'erp', operation: 'createOrder', action: 'do' };
    const handed = await telemetry.journalStep(facts, async (call) => call);
    expect(handed?.parent).toBeDefined();
    await expect(
      telemetry.journalStep({ ...facts, step: 2 }, async () =>
        Promise.reject(
          Object.assign(new Error('backend said no: secret'), { code: 'SOURCE_REJECTED' }),
        ),
      ),
    ).rejects.toThrow('backend said no');
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok).toMatchObject({
      name: 'journal step erp createOrder',
      kind: SpanKind.INTERNAL,
      attributes: {
        'switchboard.write.id': 'w1',
        'switchboard.write.step': 1,
        'switchboard.write.action': 'do',
      },
    });
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SOURCE_REJECTED' });
    expect(JSON.stringify(failed?.attributes)).not.toContain('secret');
    await telemetry.close();
    await telemetry.close();
  });
});
