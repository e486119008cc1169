export { builtins } from './graphql/index.js';
