// Synthetic tokens of real shapes for tests; the demo sandbox uses the same generators.
export * from '../../src/demo/synthetic-tokens.js';
