/**
 * WSDL operations → Operation objects: arguments to envelope, one exchange,
 * Body back to the declared shape.
 */
import {
  createNameAllocator,
  SourceError,
  splitWords,
  toFieldName,
  type Operation,
  type SourceWarning,
} from '../common/index.js';
import { buildEnvelope, EnvelopeInputError } from './envelope.js';
import type { SoapSourceOptions } from './options.js';
import { QUERY_VERBS } from './options.js';
import { planBody, planResult } from './plan.js';
import { readResult, ResponseShapeError } from './response.js';
import type { OperationSpec } from './sdl.js';
import type { ShapeRegistry } from './shapes.js';
import type { SoapTransport } from './transport.js';
import type { WsdlOperation } from './wsdl.js';

export interface BuiltOperations {
  readonly operations: Map<string, Operation>;
  readonly specs: OperationSpec[];
}

export function operationKind(
  op: WsdlOperation,
  fieldName: string,
  overrides: SoapSourceOptions['operationKinds'],
): 'query' | 'mutation' {
  const override = overrides?.[op.name] ?? overrides?.[fieldName];
  if (override) return override;
  const first = splitWords(op.name)[0]?.toLowerCase() ?? '';
  return QUERY_VERBS.has(first) ? 'query' : 'mutation';
}

export function buildOperations(init: {
  source: string;
  wsdlOperations: readonly WsdlOperation[];
  registry: ShapeRegistry;
  transport: SoapTransport;
  options: SoapSourceOptions;
  /** Called per call, so the url can be absent at construction. */
  urlFor(op: WsdlOperation): URL | undefined;
  headerBlocks(): string[];
  warnings: SourceWarning[];
}): BuiltOperations {
  const { source, registry, transport, options } = init;
  const names = createNameAllocator(['_empty']);
  const operations = new Map<string, Operation>();
  const specs: OperationSpec[] = [];
  for (const op of init.wsdlOperations) {
    const fieldName = names.claim(toFieldName(op.name));
    const input = planBody(op, op.input, registry, 'input');
    const output = planBody(op, op.output, registry, 'output');
    const result = planResult(output);
    const kind = operationKind(op, fieldName, options.operationKinds);
    specs.push({ fieldName, kind, args: input.fields, result, description: op.description });
    const fail = (code: SourceError['code'], safeMessage: string, cause?: unknown): SourceError =>
      new SourceError({ code, source, operation: fieldName, safeMessage, cause });
    operations.set(fieldName, {
      name: fieldName,
      kind,
      idempotent: kind === 'query',
      description: op.description,
      async invoke(args, ctx) {
        const url = init.urlFor(op);
        if (!url)
          throw fail(
            'SOURCE_UNAVAILABLE',
            `${source} has no url configured and its WSDL names no soap:address.`,
          );
        let envelope: string;
        try {
          envelope = buildEnvelope({
            version: op.soapVersion,
            body: input,
            args,
            headers: init.headerBlocks(),
          });
        } catch (error) {
          if (error instanceof EnvelopeInputError || error instanceof RangeError)
            throw fail(
              'SOURCE_BAD_INPUT',
              `The arguments of ${source}.${fieldName} are invalid: ${error.message}`,
              error,
            );
          throw error;
        }
        const body = await transport.call(
          {
            operation: fieldName,
            url,
            version: op.soapVersion,
            soapAction: op.soapAction,
            envelope,
          },
          ctx,
        );
        let value: unknown;
        try {
          // A missing required value fails its own field, named (response.ts); the whole answer missing fails the call.
          value = readResult(body, output, result, (path) =>
            fail(
              'SOURCE_BAD_RESPONSE',
              `${source} answered ${fieldName} without ${path}, which its WSDL requires.`,
            ),
          );
        } catch (error) {
          if (error instanceof ResponseShapeError)
            throw fail(
              'SOURCE_BAD_RESPONSE',
              `${source} answered ${fieldName} with data that does not match its WSDL: ${error.message}`,
              error,
            );
          throw fail(
            'SOURCE_BAD_RESPONSE',
            `${source} answered ${fieldName} with data that could not be read.`,
            error,
          );
        }
        if (value instanceof Error) throw value;
        return value;
      },
    });
  }
  return { operations, specs };
}
