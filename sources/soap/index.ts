export { createSoapSource } from './create-soap-source.js';
export {
  SOAP_DEFAULTS,
  SOAP_OPTION_KEYS,
  type SoapSourceOptions,
  type SoapAuthOptions,
} from './options.js';
export { passwordDigest, PASSWORD_DIGEST, PASSWORD_TEXT, WSSE_NS, WSU_NS } from './wsse.js';
