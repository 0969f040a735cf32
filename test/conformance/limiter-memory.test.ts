// The limiter store's conformance suite on the embedded store (counters in this process).
import { createMemoryLimiterStore } from '../../gateway/limits/index.js';
import { track, useHarness } from '../harness/index.js';
import { limiterSuite } from './limiter-suite.js';

useHarness();

limiterSuite('memory', {
  shared: false,
  async create() {
    return track(createMemoryLimiterStore(), 'limiter store');
  },
});
