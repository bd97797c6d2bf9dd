// The model barrel: every type and schema of the pipeline's contract.
export * from './event.js';
export * from './cluster.js';
export * from './report.js';
export * from './container.js';
