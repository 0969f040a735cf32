export { startErp, ERP_WSDL_PATH, type ErpOptions } from './server.js';
