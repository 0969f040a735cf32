import { COMMON_SOURCE_OPTION_KEYS, type CommonSourceOptions } from '../common/index.js';

/** Credentials for a SOAP backend: HTTP headers, or a WS-Security header inside the envelope. */
export type SoapAuthOptions =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | {
      /** OASIS WS-Security UsernameToken in a soap:Header. */
      type: 'wsSecurity';
      username: string;
      password: string;
      /** 'digest' sends Base64(SHA-1(nonce + created + password)), never the password. @default 'digest' */
      passwordType?: 'text' | 'digest';
    };

export interface SoapSourceOptions extends CommonSourceOptions {
  auth?: SoapAuthOptions;
  /** Which binding to use when a portType has both. @default '1.1' */
  soapVersion?: '1.1' | '1.2';
  /**
   * Query or mutation, by WSDL operation name ("GetItem") or field name ("getItem").
   * @default query when the name's first word is Get, List, Find, Search, Query or Check; mutation otherwise
   */
  operationKinds?: Readonly<Record<string, 'query' | 'mutation'>>;
  /** Largest response accepted, in bytes. @default 10485760 (10 MiB) */
  maxResponseBytes?: number;
  /** Deepest element nesting accepted in a response. @default 64 */
  maxDepth?: number;
  /** Most XML elements accepted in one response; more is SOURCE_BAD_RESPONSE. @default 200000 */
  maxResponseElements?: number;
  /**
   * Most time spent parsing one response, in ms (answers are parsed in slices
   * that let other requests run between them; the wait is not counted). More
   * is SOURCE_BAD_RESPONSE. @default 1000
   */
  maxParseMs?: number;
  /**
   * Where the contract's imports (`wsdl:import`, `xs:import`/`xs:include`
   * `schemaLocation`) may be loaded from besides the contract's own origin
   * (a URL contract) or folder (a file contract): URL prefixes
   * ("https://schemas.example.com/") or folders. Link-local and cloud
   * metadata addresses, and `file:` from a remote contract, are refused
   * whatever this says. @default [] (the contract's own origin or folder only)
   */
  contractAllow?: readonly string[];
  /** Keep-alive connections to the backend. @default 32 */
  connections?: number;
  /** Extra HTTP headers sent with every call (never secrets: use `auth`). */
  headers?: Readonly<Record<string, string>>;
}

/** Every key of SoapSourceOptions: an unknown key is CONFIG_INVALID with a suggestion. */
export const SOAP_OPTION_KEYS = Object.freeze([
  ...COMMON_SOURCE_OPTION_KEYS,
  'auth',
  'soapVersion',
  'operationKinds',
  'maxResponseBytes',
  'maxDepth',
  'maxResponseElements',
  'maxParseMs',
  'contractAllow',
  'connections',
  'headers',
] as const satisfies ReadonlyArray<keyof SoapSourceOptions>);
const soapKeysComplete: Exclude<
  keyof SoapSourceOptions,
  (typeof SOAP_OPTION_KEYS)[number]
> extends never
  ? true
  : never = true;
void soapKeysComplete;

export const SOAP_DEFAULTS = Object.freeze({
  soapVersion: '1.1' as const,
  maxDepth: 64,
  maxResponseElements: 200_000,
  maxParseMs: 1_000, // 1 s
});

/** First words of operation names that read without side effects. */
export const QUERY_VERBS: ReadonlySet<string> = new Set([
  'get',
  'list',
  'find',
  'search',
  'query',
  'check',
]);
