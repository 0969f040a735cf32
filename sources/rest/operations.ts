/**
 * Operation objects: each contract operation's GraphQL signature (arguments
 * from parameters and the request body, the result from the success
 * response) and its `invoke`: arguments → request → answer in subgraph shape.
 */
import {
  createNameAllocator,
  isValidGraphQLName,
  NOT_MODIFIED,
  SourceError,
  toFieldName,
  toTypeName,
  type Args,
  type CallContext,
  type Operation,
} from '../common/index.js';
import { decode, DigitLossError, ValueCount, ValueLimitError } from './codec.js';
import type { OperationModel } from './model.js';
import {
  buildRequest,
  type BodyBinding,
  type BuiltRequest,
  type ParamBinding,
  type RequestPlan,
} from './request.js';
import type { OperationSignature } from './sdl.js';
import { scalar, type TypeRef } from './shapes.js';
import { decodeInSlices, SLICED_FROM_BYTES } from './sliced-decode.js';
import { isAbsoluteHttpUrl, type RestTransport } from './transport.js';
import type { TypeBuilder } from './types.js';

/** Read-only methods: GraphQL Query fields, retried blindly. Everything else is a Mutation. */
const QUERY_METHODS = new Set(['get']);
const SAFE_METHODS = new Set(['get', 'head', 'options']);

export interface PlannedOperation {
  readonly signature: OperationSignature;
  readonly plan: RequestPlan;
  readonly model: OperationModel;
}

/** Works out the GraphQL signature of one operation; the types it reaches are queued on `types`. */
export function planOperation(
  source: string,
  name: string,
  model: OperationModel,
  types: TypeBuilder,
): PlannedOperation {
  const typeBase = toTypeName(name);
  const argNames = createNameAllocator();
  // The body is `input` by convention; a parameter literally called "input" becomes "input2".
  const bodyArg = model.body ? argNames.claim('input') : undefined;
  const params: ParamBinding[] = [];
  for (const param of model.parameters) {
    const arg = argNames.claim(
      isValidGraphQLName(param.name) ? param.name : toFieldName(param.name),
    );
    const converted = param.schema
      ? types.convert(param.schema, 'input', `${typeBase}${toTypeName(param.name)}`)
      : { shape: scalar('String'), nonNull: true };
    params.push({
      arg,
      param,
      type: {
        shape: converted.shape,
        nonNull: converted.nonNull && param.required,
        ...(converted.constraint === undefined ? {} : { constraint: converted.constraint }),
      },
    });
  }
  let body: BodyBinding | undefined;
  if (model.body && bodyArg !== undefined) {
    const { encoding } = model.body;
    const converted: TypeRef =
      encoding === 'binary'
        ? { shape: scalar('Base64'), nonNull: true }
        : encoding === 'text'
          ? { shape: scalar('String'), nonNull: true }
          : types.convert(model.body.schema, 'input', typeBase);
    body = {
      arg: bodyArg,
      encoding,
      mediaType: model.body.mediaType,
      type: {
        shape: converted.shape,
        nonNull: converted.nonNull && model.body.required,
        ...(converted.constraint === undefined ? {} : { constraint: converted.constraint }),
      },
    };
  }
  const result = resultType(model, typeBase, types);
  const signature: OperationSignature = {
    name,
    kind: QUERY_METHODS.has(model.method) ? 'query' : 'mutation',
    args: [
      ...(body ? [{ name: body.arg, type: body.type, description: 'The request body.' }] : []),
      ...params.map((p) => ({ name: p.arg, type: p.type, description: p.param.description })),
    ],
    result,
    description: describeOperation(model),
  };
  const accept =
    model.response.kind === 'text' || model.response.kind === 'binary'
      ? model.response.mediaType
      : undefined;
  return {
    signature,
    plan: { source, operation: name, method: model.method, path: model.path, params, body, accept },
    model,
  };
}

function resultType(model: OperationModel, typeBase: string, types: TypeBuilder): TypeRef {
  const { response } = model;
  // A 204 answers `true`; the field stays nullable like every result, so one failure nulls only itself.
  if (response.kind === 'empty') return { shape: scalar('Boolean'), nonNull: false };
  if (response.kind === 'text') return { shape: scalar('String'), nonNull: false };
  if (response.kind === 'binary') return { shape: scalar('Base64'), nonNull: false };
  const converted = types.convert(response.schema, 'output', `${typeBase}Response`);
  return { shape: converted.shape, nonNull: false };
}

function describeOperation(model: OperationModel): string {
  const head = model.summary ?? model.description?.split('\n')[0] ?? '';
  return `${head}${head ? '\n\n' : ''}${model.method.toUpperCase()} ${model.path}`;
}

/**
 * The Operation object the gateway calls.
 * @param maxValues most JSON values (objects, lists, non-null scalars) one answer may map
 */
export function createOperation(
  planned: PlannedOperation,
  transport: RestTransport,
  maxValues: number,
): Operation {
  const { signature, plan, model } = planned;
  const bad = (safeMessage: string, cause?: unknown): SourceError =>
    new SourceError({
      code: 'SOURCE_BAD_RESPONSE',
      source: plan.source,
      operation: plan.operation,
      safeMessage,
      cause,
    });
  // A value of the wrong type fails its own field, named; the value itself is never quoted.
  const wrong = (field: string, expected: string, got: string): SourceError =>
    bad(
      `${plan.source} answered ${plan.operation} with ${got} in ${field}, where its contract declares ${/^[A-Z]/.test(expected) ? `a ${expected}` : expected}.`,
    );
  return {
    name: signature.name,
    kind: signature.kind,
    idempotent: SAFE_METHODS.has(model.method),
    description: signature.description,
    async invoke(args: Args, ctx: CallContext): Promise<unknown> {
      if (!isAbsoluteHttpUrl(transport.baseUrl)) {
        throw new SourceError({
          code: 'SOURCE_UNAVAILABLE',
          source: plan.source,
          operation: plan.operation,
          safeMessage: `${plan.source} has no backend URL configured.`,
        });
      }
      let built: BuiltRequest;
      try {
        built = buildRequest(plan, args, transport.baseUrl);
      } catch (error) {
        if (error instanceof SourceError) throw error;
        throw new SourceError({
          code: 'SOURCE_BAD_INPUT',
          source: plan.source,
          operation: plan.operation,
          safeMessage:
            error instanceof DigitLossError
              ? `A number in the arguments of ${plan.operation} has more digits than ${plan.source}'s JSON number can carry exactly; nothing was sent.`
              : `The arguments of ${plan.operation} cannot be sent to ${plan.source}.`,
          cause: error,
        });
      }
      const response = await transport.send(plan.operation, plan.method, built, ctx);
      // The transport lets a 304 through only when the cache sent validators: its copy is current.
      if (response.status === 304) return NOT_MODIFIED;
      if (model.response.kind === 'empty') return true;
      if (model.response.kind === 'binary') return response.body.toString('base64');
      const text = response.body.toString('utf8');
      if (model.response.kind === 'text') return text;
      if (text.trim() === '') return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw bad(`${plan.source} answered ${plan.operation} with a body that is not JSON.`, cause);
      }
      try {
        const count = new ValueCount(maxValues);
        // A small answer skips the slicing's awaits: the common case stays one synchronous call.
        return response.body.length <= SLICED_FROM_BYTES
          ? decode(signature.result, parsed, wrong, 'result', count)
          : await decodeInSlices(signature.result, parsed, wrong, count);
      } catch (cause) {
        if (cause instanceof ValueLimitError)
          throw new SourceError({
            code: 'SOURCE_BAD_RESPONSE',
            source: plan.source,
            operation: plan.operation,
            safeMessage: `${plan.source} answered ${plan.operation} with more JSON values than the source allows (maxResponseValues).`,
            details: { httpStatus: response.status },
            logDetail: { maxResponseValues: maxValues, bytes: response.body.length },
            cause,
          });
        // Only a hostile answer gets here: a recursive type nested deeper than the stack.
        throw bad(
          `${plan.source} answered ${plan.operation} with a body too deeply nested to read.`,
          cause,
        );
      }
    },
  };
}
