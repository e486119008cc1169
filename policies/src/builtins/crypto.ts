/** crypto.*: the implementations live in ./crypto/. */
export { builtins } from './crypto/index.js';
