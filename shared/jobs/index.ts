export * from './states.js';
export * from './transition.js';
export * from './ids.js';
