/**
 * The write declarations (@step, @answer, @owner) checked at composition
 * against the demo contracts (read offline), each problem at its file and line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSchema, formatCompositionIssue } from '../../../../gateway/composition/index.js';
import type { Source } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

let sources: Source[];
beforeAll(async () => {
  sources = await Promise.all([
    createRestSource({
      name: 'storefront',
      contract: 'demo/storefront/openapi.yaml',
      url: 'http://127.0.0.1:1',
    }),
    createSoapSource({ name: 'erp', contract: 'demo/erp/erp.wsdl', url: 'http://127.0.0.1:1/erp' }),
    createGrpcSource({
      name: 'billing',
      contract: 'demo/billing/proto/billing/v1/billing.proto',
      includeDirs: ['demo/billing/proto'],
      url: '127.0.0.1:1',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
});

const TYPES = `
type Query { order(id: ID!): Order @fetch(source: "storefront", operation: "getOrder", args: { orderId: "$args.id" }) }
type Order { id: ID! status: String }
input LineInput { sku: ID! quantity: Int! }
input OrderInput { customerId: ID! lines: [LineInput!]! note: String @owner(source: "storefront") }
`;

function issues(mutation: string): string[] {
  const composition = composeSchema({
    documents: [{ file: 'writes.graphql', sdl: `${TYPES}type Mutation {\n${mutation}\n}\n` }],
    sources,
  });
  return composition.ok ? [] : composition.errors.map(formatCompositionIssue);
}

const ORDER = `@step(name: "order", source: "storefront", operation: "createOrder", args: { input: { customerId: "$args.input.customerId", lines: "$args.input.lines" } }, repeat: "idempotency-key", undo: "cancelOrder", undoArgs: { orderId: "$steps.order.id" })`;
const SALES = (args: string, extra = 'cannotUndo: "no cancel"') =>
  `@step(name: "sales", source: "erp", operation: "createSalesOrder", args: ${args}, repeat: "never", ${extra})`;
const SALES_ARGS =
  '{ customerId: "$args.input.customerId", line: { _each: "$args.input.lines", itemCode: "$item.sku", quantity: "$item.quantity" }, note: "$steps.order.id" }';

describe('write declarations at composition', () => {
  it('accept a well-formed write', () => {
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${ORDER} ${SALES(SALES_ARGS)} @answer(step: "order")`,
      ),
    ).toEqual([]);
  });

  it('report an unknown source and operation at the step', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order ${ORDER} @step(name: "x", source: "wms", operation: "ship", repeat: "never") @step(name: "y", source: "erp", operation: "createSalesOrdr", repeat: "never") @answer(step: "order")`,
    );
    expect(
      found.some((line) => /^writes\.graphql:\d+:\d+ BINDING_UNKNOWN_SOURCE .*"wms"/.test(line)),
    ).toBe(true);
    expect(
      found.some((line) =>
        /BINDING_UNKNOWN_OPERATION .*erp\.createSalesOrdr.*createSalesOrder/.test(line),
      ),
    ).toBe(true);
  });

  it('report a step that reads a later step', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order ${SALES('{ customerId: "$args.input.customerId", line: [], note: "$steps.order.id" }')} ${ORDER} @answer(step: "order")`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^writes\.graphql:\d+:\d+ BINDING_STEP_ORDER .*step "order" comes later/,
      ),
    ]);
  });

  it('report a step that says neither how it is undone nor why it cannot be', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order @step(name: "order", source: "storefront", operation: "createOrder", args: { input: { customerId: "$args.input.customerId", lines: "$args.input.lines" } }, repeat: "idempotency-key") ${SALES(SALES_ARGS, '')} @answer(step: "order")`,
    );
    expect(found).toEqual([
      expect.stringMatching(/^writes\.graphql:7:39 BINDING_STEP_UNDO .*step "order" says neither/),
    ]);
  });

  it('report an unknown repeat mode and a lookup that is not a query', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order ${ORDER.replace('"idempotency-key"', '"sometimes"')} ${SALES(SALES_ARGS).replace('repeat: "never"', 'repeat: "lookup", lookup: "adjustInventory"')} @answer(step: "order")`,
    );
    expect(found.some((line) => /BINDING_STEP_REPEAT .*"sometimes"/.test(line))).toBe(true);
    expect(
      found.some((line) =>
        /BINDING_WRONG_ROOT .*lookup erp\.adjustInventory is a mutation/.test(line),
      ),
    ).toBe(true);
  });

  const READ = `@step(name: "before", source: "storefront", operation: "getOrder", args: { orderId: "$args.input.customerId" }, read: true)`;

  it('accept a read step whose answer later steps read, with no repeat or undo', () => {
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${READ} ${ORDER.replace('"$args.input.customerId"', '"$steps.before.customerId"')} ${SALES(SALES_ARGS)} @answer(step: "order")`,
      ),
    ).toEqual([]);
  });

  it('report a read step that names a mutation, or takes a repeat or an undo (issue 10)', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order @step(name: "before", source: "storefront", operation: "createOrder", args: { input: { customerId: "$args.input.customerId", lines: "$args.input.lines" } }, read: true, repeat: "never", cannotUndo: "no") ${ORDER} @answer(step: "order")`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^writes\.graphql:7:39 BINDING_WRONG_ROOT .*read step storefront\.createOrder is a mutation, not a query/,
      ),
      expect.stringMatching(
        /^writes\.graphql:7:\d+ BINDING_STEP_READ .*is a read, so it takes no repeat/,
      ),
      expect.stringMatching(/^writes\.graphql:7:\d+ BINDING_STEP_READ .*takes no cannotUndo/),
    ]);
  });

  it('report a write step without repeat, and accept repeat: "idempotent"', () => {
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${ORDER.replace('repeat: "idempotency-key", ', '')} @answer(step: "order")`,
      ),
    ).toEqual([expect.stringMatching(/BINDING_STEP_REPEAT .*does not say how sending it again/)]);
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${ORDER.replace('"idempotency-key"', '"idempotent"')} @answer(step: "order")`,
      ),
    ).toEqual([]);
  });

  it('report an input field sent to a system that does not own it', () => {
    const found = issues(
      `placeOrder(input: OrderInput!): Order ${ORDER} ${SALES('{ customerId: "$args.input.customerId", line: [], note: "$args.input.note" }')} @answer(step: "order")`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        /BINDING_FIELD_OWNER .*sends "\$args\.input\.note" to erp, but \$args\.input\.note is owned by storefront/,
      ),
    ]);
  });

  it('report a missing or unknown @answer, and a field the step answer lacks', () => {
    expect(issues(`placeOrder(input: OrderInput!): Order ${ORDER}`)).toEqual([
      expect.stringMatching(/BINDING_WRITE_ANSWER .*no @answer/),
    ]);
    expect(issues(`placeOrder(input: OrderInput!): Order ${ORDER} @answer(step: "ordr")`)).toEqual([
      expect.stringMatching(/BINDING_WRITE_ANSWER .*"ordr".*"order"/),
    ]);
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${ORDER} ${SALES('{ customerId: "$args.input.customerId", line: [], note: "$steps.order.nope" }')} @answer(step: "order")`,
      ),
    ).toEqual([expect.stringMatching(/BINDING_UNKNOWN_FIELD .*"\$steps\.order\.nope"/)]);
  });

  it('report a reference the caller does not have and a step on a query field', () => {
    expect(
      issues(
        `placeOrder(input: OrderInput!): Order ${ORDER} ${SALES('{ customerId: "$caller.password", line: [], note: "x" }')} @answer(step: "order")`,
      ),
    ).toEqual([expect.stringMatching(/BINDING_BAD_REFERENCE .*"\$caller\.password"/)]);
  });
});

describe('@invalidates keys from a step answer (issue 10: cancelOrder)', () => {
  function invalidating(keys: string, steps = ORDER): string[] {
    const composition = composeSchema({
      documents: [
        {
          file: 'writes.graphql',
          sdl: `${TYPES}type Product @entity(key: "sku") { sku: ID! }\ntype Mutation {\nplaceOrder(input: OrderInput!): Order ${steps} @answer(step: "order")\n  @invalidates(entity: "Product", keys: "${keys}")\n}\n`,
        },
      ],
      sources,
    });
    return composition.ok ? [] : composition.errors.map(formatCompositionIssue);
  }

  it('accept a path through a step answer to a key value, lists mapped', () => {
    expect(invalidating('$steps.order.lines.sku')).toEqual([]);
  });

  it('report an unknown step, an unknown field and a path that ends on an object, at the line', () => {
    expect(invalidating('$steps.ordr.lines.sku')).toEqual([
      expect.stringMatching(/^writes\.graphql:9:\d+ BINDING_STEP_ORDER .*no step "ordr".*"order"/),
    ]);
    expect(invalidating('$steps.order.lines.skew')).toEqual([
      expect.stringMatching(/^writes\.graphql:9:\d+ BINDING_UNKNOWN_FIELD .*"skew"/),
    ]);
    expect(invalidating('$steps.order.lines')).toEqual([
      expect.stringMatching(/^writes\.graphql:9:\d+ BINDING_TYPE_MISMATCH .*not a key value/),
    ]);
  });

  it('report $steps. keys on a mutation without @step', () => {
    const composition = composeSchema({
      documents: [
        {
          file: 'writes.graphql',
          sdl: `${TYPES}type Product @entity(key: "sku") { sku: ID! }\ntype Mutation {\ncancel(id: ID!): Order @fetch(source: "storefront", operation: "cancelOrder", args: { orderId: "$args.id" })\n  @invalidates(entity: "Product", keys: "$steps.order.lines.sku")\n}\n`,
        },
      ],
      sources,
    });
    expect(composition.ok ? [] : composition.errors.map(formatCompositionIssue)).toEqual([
      expect.stringMatching(/BINDING_BAD_REFERENCE .*has no @step/),
    ]);
  });
});

describe('@step(when:) (issue 10: refund a paid invoice instead of voiding it)', () => {
  const INVOICE = `@step(name: "invoice", source: "billing", operation: "findInvoiceByOrder", args: { orderId: "$args.id" }, read: true)`;
  const VOID = (when: string) =>
    `@step(name: "void", source: "billing", operation: "voidInvoice", args: { invoiceId: "$steps.invoice.id" }, repeat: "idempotency-key", when: "${when}")`;
  const conditioned = (when: string, first = INVOICE): string[] =>
    issues(`cancel(id: ID!): Order ${first} ${VOID(when)} @answer(step: "void")`);

  it('accept a leaf of an earlier answer compared with one of its values', () => {
    expect(conditioned('$steps.invoice.status != INVOICE_STATUS_PAID')).toEqual([]);
    expect(conditioned('$steps.invoice.orderId == \\"ord 1\\"')).toEqual([]);
  });

  it('report a malformed condition, an unknown step or field, a non-leaf and an unknown enum value', () => {
    expect(conditioned('$steps.invoice.status is PAID')).toEqual([
      expect.stringMatching(/^writes\.graphql:7:\d+ BINDING_STEP_CONDITION .*not "\$steps/),
    ]);
    expect(conditioned('$steps.invoce.status == X')).toEqual([
      expect.stringMatching(/BINDING_STEP_ORDER .*no earlier step "invoce".*"invoice"/),
    ]);
    expect(conditioned('$steps.invoice.state == X')).toEqual([
      expect.stringMatching(/BINDING_UNKNOWN_FIELD .*"state".*"status"/),
    ]);
    expect(conditioned('$steps.invoice.total == X')).toEqual([
      expect.stringMatching(/BINDING_STEP_CONDITION .*not one value to compare/),
    ]);
    expect(conditioned('$steps.invoice.status == PAID')).toEqual([
      expect.stringMatching(
        /BINDING_STEP_CONDITION .*PAID, which is not a value.*INVOICE_STATUS_PAID/,
      ),
    ]);
  });

  it('report a condition on a read step', () => {
    expect(
      conditioned(
        '$steps.invoice.status == INVOICE_STATUS_PAID',
        INVOICE.replace('read: true', 'read: true, when: "$steps.x.y == 1"'),
      ),
    ).toEqual([expect.stringMatching(/BINDING_STEP_CONDITION .*is a read, so it takes no when/)]);
  });
});
