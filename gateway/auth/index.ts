export type { Caller } from './caller.js';
export { anonymousCaller } from './caller.js';
