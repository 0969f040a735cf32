/**
 * Starts a gateway for one test file on 127.0.0.1 port 0 and talks to it over
 * real HTTP, the way a frontend would.
 */
import {
  Agent,
  fetch as undiciFetch,
  type RequestInit as UndiciRequestInit,
  type Response as UndiciResponse,
} from 'undici';
import { createGateway, type GatewayOptions, type SwitchboardConfig } from '../../gateway/index.js';
import { track, untrack } from './cleanup.js';

/** A GraphQL answer as it came over the wire. */
export interface GraphQLResult<TData> {
  data?: TData | null;
  errors?: ReadonlyArray<{
    message: string;
    path?: ReadonlyArray<string | number>;
    locations?: ReadonlyArray<{ line: number; column: number }>;
    extensions?: Record<string, unknown>;
  }>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLCallOptions {
  /** @default "/graphql" */
  path?: string;
  headers?: Record<string, string>;
  /** GET sends the query in the URL, as GraphQL-over-HTTP allows for queries. @default "POST" */
  method?: 'GET' | 'POST';
  operationName?: string;
}

export interface GraphQLResponse<TData> {
  status: number;
  headers: UndiciResponse['headers'];
  /** The parsed JSON body; `{}` when the body is not JSON (see `text`). */
  body: GraphQLResult<TData>;
  /** The raw body. */
  text: string;
}

export interface TestGateway {
  /** Base URL, e.g. "http://127.0.0.1:54321". */
  readonly url: string;
  /**
   * Sends one GraphQL request over HTTP and never throws for an HTTP status.
   * `TData` is the caller's expectation of `data`; nothing checks it.
   */
  // `any` by default keeps test assertions on nested data readable; tests are
  // the only callers and they assert on the values themselves.
  graphql<TData = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: GraphQLCallOptions,
  ): Promise<GraphQLResponse<TData>>;
  /** A plain HTTP request to `path` of the gateway (for /healthz, the playground page...). */
  fetch(path: string, init?: UndiciRequestInit): Promise<UndiciResponse>;
  /** Stops the gateway (and the sources it holds) and the client's connections. Safe twice. */
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Creates a gateway from `config`, listens on 127.0.0.1 port 0 and registers
 * it for `closeAll()`. A gateway that fails to listen is closed before the
 * error is rethrown.
 */
export async function startGatewayOn(
  config: SwitchboardConfig,
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const gateway = await createGateway(config, options);
  let url: string;
  try {
    url = (await gateway.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
  } catch (error) {
    await gateway.close();
    throw error;
  }
  // Our own pool, closed with the gateway, so no keep-alive socket of the
  // global fetch outlives the test file.
  const agent = new Agent({ connections: 8 });
  const send = (path: string, init: UndiciRequestInit = {}): Promise<UndiciResponse> =>
    undiciFetch(new URL(path, `${url}/`), { ...init, dispatcher: agent });

  let closing: Promise<void> | undefined;
  const testGateway: TestGateway = {
    url,
    fetch: send,
    async graphql(
      query,
      variables,
      { path = '/graphql', headers = {}, method = 'POST', operationName } = {},
    ) {
      const accept = { accept: 'application/graphql-response+json, application/json' };
      let response: UndiciResponse;
      if (method === 'GET') {
        const search = new URLSearchParams({ query });
        if (variables) search.set('variables', JSON.stringify(variables));
        if (operationName) search.set('operationName', operationName);
        response = await send(`${path}?${search}`, {
          method: 'GET',
          headers: { ...accept, ...headers },
        });
      } else {
        response = await send(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...accept, ...headers },
          body: JSON.stringify({ query, variables, operationName }),
        });
      }
      const text = await response.text();
      const parsed = parseJson(text);
      const body = (
        typeof parsed === 'object' && parsed !== null ? parsed : {}
      ) as GraphQLResult<never>;
      return { status: response.status, headers: response.headers, body, text };
    },
    close() {
      closing ??= (async () => {
        untrack(testGateway);
        try {
          await gateway.close();
        } finally {
          await agent.close();
        }
      })();
      return closing;
    },
  };
  return track(testGateway, 'gateway');
}
