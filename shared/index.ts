/** @module Solvent's shared contracts: spec, API schemas, job states, store layout, ports, errors. */
export * from './errors.js';
export * from './spec/index.js';
export * from './api/index.js';
export * from './jobs/index.js';
export * from './store/index.js';
export * from './ports/index.js';
