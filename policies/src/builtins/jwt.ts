/** io.jwt.*: the implementations live in ./jwt/. */
export { builtins } from './jwt/index.js';
