/**
 * The third-party parsers capture checking uses, in one module that the build bundles into a single
 * CommonJS file (`dist/capture/parser.cjs`). Core loads it with `require()` on the first inline task, so
 * importing `@isolane/core` (as every task module a worker loads does) costs no parser at all.
 */
export { parse } from 'acorn';
export { analyze } from 'periscopic';
