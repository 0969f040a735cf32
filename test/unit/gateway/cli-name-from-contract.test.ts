import { describe, expect, it } from 'vitest';
import { nameFromContract } from '../../../gateway/cli/print-subgraph.js';

describe('nameFromContract', () => {
  it.each([
    ['demo/billing/proto/billing/v1/billing.proto', 'billing'],
    ['demo/erp/erp.wsdl', 'erp'],
    ['https://api.example.com/v2/open-api.json?token=x#frag', 'open_api'],
    ['C:\\contracts\\store front.yaml', 'store_front'],
    ['contracts/2024-orders.yaml', 'api_2024_orders'],
    ['contracts/.yaml', 'api'],
    ['https://api.example.com/', 'api_example'],
  ])('%s → %s', (location, name) => {
    expect(nameFromContract(location)).toBe(name);
  });
});
