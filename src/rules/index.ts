// The rules' public surface: the file schema, loading with readable errors, compilation, checks.
export * from './schema.js';
export * from './load.js';
export * from './compile.js';
export { CHECKS, CHECK_NAMES, type CheckName, type CheckHit, type CheckSubject, type SnapshotCheck } from './checks.js';
export { checkRegexSafety } from './regex-safety.js';
