/**
 * The JSON lane: a GraphQL request posted as JSON, answered as JSON, without
 * going through Yoga's HTTP layer.
 *
 * Why: measured on the demo, a plain Yoga server with no plugins costs
 * ~0.3–0.5 ms of CPU per request against ~0.15 ms for the same schema run
 * through Yoga's own envelop (`getEnveloped`: parse, validate, context,
 * execute) on node:http (issue 15, bench/README.md). The difference is the
 * WHATWG layer around it: a Request built from the node request, its body
 * read through web streams, the server adapter's hooks, a Response built and
 * copied back into the node response. For the commonest request a gateway
 * serves, none of that does anything.
 *
 * What stays Yoga's: everything GraphQL. The lane calls Yoga's own
 * `getResultForParams` (its onParams hooks, parse and validation with their
 * caches, the context, execution, error masking and every envelop plugin)
 * and Yoga's onResultProcess hooks (media-type negotiation, error codes).
 * What the lane does itself is only what Yoga's HTTP layer did around them:
 * read the body, parse the JSON, and write the answer; a plain result (no
 * errors, no HTTP extensions) is written as `JSON.stringify` of the result,
 * which is what Yoga's regular processor writes for one, and any other
 * result goes through Yoga's processor and `sendNodeResponse` as before. The
 * plugins' onResponse hooks run on both, in the order Yoga runs them.
 *
 * What it does not take (the caller sends it to Yoga instead, see
 * `laneAccepts`, and the lane hands back, before any GraphQL ran, a body it
 * cannot read as one JSON object of plain GraphQL parameters, and a request
 * an onParams hook refused, so Yoga words the refusal): other
 * methods and content types, a compressed body, browsers (an Origin header:
 * CORS), streams (Accept naming text/event-stream or multipart), a batch (a
 * JSON array), extensions (persisted operations); and no request at all
 * when a plugin instruments Yoga (`instrumentation`). The plugins' onRequest
 * hooks run too (telemetry's request span and timer start there), so the
 * lane serves endpoints with telemetry on as well.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import { sendNodeResponse } from '@whatwg-node/server';

/** The parts of a plugin the lane runs itself: Yoga's server adapter runs them on its own route. */
interface AdapterHooks {
  onRequest?(payload: {
    request: Request;
    url: URL;
    serverContext: Record<string, unknown>;
    fetchAPI: unknown;
    endResponse(response: Response): void;
  }): void | Promise<void>;
  onResponse?(payload: {
    request: Request;
    response: Response;
    serverContext: Record<string, unknown>;
  }): void | Promise<void>;
}

type ResultProcessor = (result: unknown, fetchAPI: unknown, mediaType: string) => Response;

/** Yoga's onResultProcess hook payload (graphql-yoga process-request.js). */
type ResultProcessHook = (payload: {
  request: Request;
  acceptableMediaTypes: string[];
  result: unknown;
  setResult(result: unknown): void;
  resultProcessor: ResultProcessor | undefined;
  setResultProcessor(processor: ResultProcessor, mediaType: string): void;
  serverContext: Record<string, unknown>;
}) => unknown;

// Yoga keeps its onResultProcess hooks in a private field; the lane needs the
// same list in the same order (the media-type negotiation is one of them).
// Checked once at start-up: without it, the lane is off and Yoga answers all.
// A plugin with `instrumentation` wraps Yoga's handling of the operation and the
// result, which the lane does not reproduce: then the lane is off too.
function resultProcessHooksOf(yoga: YogaServerInstance<object, object>): ResultProcessHook[] {
  const fields = yoga as unknown as { onResultProcessHooks?: unknown; instrumentation?: unknown };
  if (fields.instrumentation !== undefined) return [];
  return Array.isArray(fields.onResultProcessHooks)
    ? (fields.onResultProcessHooks as ResultProcessHook[])
    : [];
}

const PARAMS: ReadonlySet<string> = new Set(['query', 'variables', 'operationName']);

/** The GraphQL parameters of a body, or undefined when Yoga should judge the body. */
function plainParams(body: Uint8Array): Record<string, unknown> | undefined {
  // isUtf8 then toString: a fatal TextDecoder took ~4 µs a request for the same verdict.
  if (!isUtf8(body)) return undefined;
  let params: unknown;
  try {
    params = JSON.parse(
      Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
    );
  } catch {
    return undefined;
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  const record = params as Record<string, unknown>;
  for (const name in record) if (!PARAMS.has(name)) return undefined;
  const { query, variables, operationName } = record;
  if (typeof query !== 'string') return undefined;
  if (variables !== undefined && variables !== null) {
    if (typeof variables !== 'object' || Array.isArray(variables)) return undefined;
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  // @defer and @stream answer in parts, which only Yoga's stream processors write.
  if (query.includes('@defer') || query.includes('@stream')) return undefined;
  return record;
}

/**
 * Whether a request may take the lane, on its headers alone (the body is not
 * read yet): a JSON POST from a non-browser caller that wants one JSON answer.
 */
export function laneAccepts(headers: IncomingHttpHeaders): boolean {
  if (headers.origin !== undefined) return false;
  const type = headers['content-type'];
  if (type === undefined || !/^application\/json\s*(;\s*charset="?utf-?8"?\s*)?$/i.test(type))
    return false;
  const accept = headers.accept;
  return accept === undefined || !/event-stream|multipart/i.test(accept);
}

/** A node request's headers as WHATWG header pairs (repeated headers kept). */
export function headersOf(req: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') pairs.push([name, value]);
    else if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
  return pairs;
}

/**
 * Reads a node request's body, whose length node:http bounds by its
 * Content-Length; undefined when the caller leaves before it is all there.
 */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // A reset connection ('error') or one closed before the end: the same for the caller, who is gone.
    req.once('error', () => resolve(undefined));
    req.once('close', () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Response headers collected for the lane's own writes: the subset of Headers the hooks use. */
class LaneHeaders {
  readonly values = new Map<string, string>();
  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: string): void {
    this.values.set(name.toLowerCase(), String(value));
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.values.get(key);
    this.values.set(key, before === undefined ? String(value) : `${before}, ${value}`);
  }
}

export interface JsonLane {
  /**
   * Answers the request on `res` and resolves with the status sent, or
   * resolves undefined without having run anything when Yoga must take the
   * request (the caller then hands Yoga the same body).
   */
  answer(init: {
    req: IncomingMessage;
    res: ServerResponse;
    body: Uint8Array;
    url: string;
    serverContext: object;
  }): Promise<number | undefined>;
}

/** The lane of one endpoint, or undefined when this Yoga cannot be driven this way. */
export function createJsonLane(
  yoga: YogaServerInstance<object, object>,
  /** The endpoint's plugins, in Yoga's order: their onResponse hooks run on the lane's answers. */
  plugins: readonly object[],
): JsonLane | undefined {
  const resultHooks = resultProcessHooksOf(yoga);
  if (resultHooks.length === 0) return undefined;
  const onRequest = plugins.flatMap((plugin) => {
    const hook = (plugin as AdapterHooks).onRequest;
    return typeof hook === 'function' ? [hook.bind(plugin)] : [];
  });
  const onResponse = plugins.flatMap((plugin) => {
    const hook = (plugin as AdapterHooks).onResponse;
    return typeof hook === 'function' ? [hook.bind(plugin)] : [];
  });
  // Read once: the server adapter is a Proxy whose every property read wraps the method anew.
  const { fetchAPI, getResultForParams } = yoga;

  /** Runs the onResponse hooks in order; a promise only when one of them is asynchronous. */
  const respond = (
    request: Request,
    response: Response | { status: number; headers: LaneHeaders },
    serverContext: Record<string, unknown>,
  ): Promise<void> | undefined => {
    const payload = { request, response: response as Response, serverContext };
    let pending: Promise<void> | undefined;
    for (const hook of onResponse) {
      // Each await is a turn of the microtask queue: taken only after an asynchronous hook.
      if (pending !== undefined) pending = pending.then(() => hook(payload));
      else {
        const done = hook(payload);
        if (isThenable(done)) pending = Promise.resolve(done);
      }
    }
    return pending;
  };

  return {
    async answer({ req, res, body, url, serverContext: context }) {
      const serverContext = context as Record<string, unknown>;
      const params = plainParams(body);
      if (params === undefined) return undefined;
      // Headers only, no body: nothing reads it twice (the hooks look at headers and identity). node's
      // header object is passed as is, as Yoga's own adapter passes it: read lazily, never copied.
      const request = new fetchAPI.Request(url, {
        method: 'POST',
        headers: req.headers as unknown as HeadersInit,
      });
      // The plugins' onRequest hooks (the request's span and timer with telemetry on; the cross-site
      // check, which a JSON POST passes). One that answers early hands the request to Yoga's route.
      if (onRequest.length > 0) {
        let ended = false;
        const payload = {
          request,
          // Parsed only if a hook reads it (ours do not), as Yoga's adapter does.
          get url() {
            return new URL(url);
          },
          serverContext,
          fetchAPI,
          endResponse: () => void (ended = true),
        };
        for (const hook of onRequest) {
          const done = hook(payload);
          if (isThenable(done)) await done;
          if (ended) return undefined;
        }
      }

      let result: unknown;
      try {
        result = await getResultForParams({ params, request }, serverContext as never);
      } catch (error) {
        // Yoga's onParams hooks refuse a request by throwing (nesting, persisted operations), before
        // Yoga's handleParams puts `params` on the context and runs anything: Yoga's route answers the
        // refusal as it always has. Past that point Yoga turns every failure into a result.
        if (!('params' in serverContext)) return undefined;
        throw error;
      }
      let processor: ResultProcessor | undefined;
      let mediaType = '*/*';
      const acceptableMediaTypes: string[] = [];
      for (const hook of resultHooks) {
        const done = hook({
          request,
          acceptableMediaTypes,
          result,
          setResult(next) {
            result = next;
          },
          resultProcessor: processor,
          setResultProcessor(next, type) {
            processor = next;
            mediaType = type;
          },
          serverContext,
        });
        if (isThenable(done)) await done;
      }

      const plain = result as ExecutionResult & { stringify?: unknown };
      if (
        processor === (processRegularResult as unknown as ResultProcessor) &&
        typeof plain === 'object' &&
        plain !== null &&
        !Array.isArray(plain) &&
        !(Symbol.asyncIterator in plain) &&
        (plain.errors === undefined || plain.errors.length === 0) &&
        plain.extensions?.http === undefined &&
        plain.stringify === undefined
      ) {
        // What Yoga's regular processor writes for a result without errors: the result, stringified.
        const text = JSON.stringify(plain);
        const laneHeaders = new LaneHeaders();
        laneHeaders.set('content-type', `${mediaType}; charset=utf-8`);
        const responded = respond(request, { status: 200, headers: laneHeaders }, serverContext);
        if (responded !== undefined) await responded;
        laneHeaders.set('content-length', String(Buffer.byteLength(text)));
        res.writeHead(200, Object.fromEntries(laneHeaders.values));
        res.end(text);
        return 200;
      }
      const response =
        processor === undefined
          ? new fetchAPI.Response(null, {
              status: 406,
              statusText: 'Not Acceptable',
              headers: { accept: acceptableMediaTypes.join('; charset=utf-8, ') },
            })
          : processor(result, fetchAPI, mediaType);
      await respond(request, response, serverContext);
      await sendNodeResponse(response, res, req, true);
      return response.status;
    },
  };
}
