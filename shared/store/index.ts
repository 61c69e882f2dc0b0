export * as keys from './keys.js';
export { InvalidKeySegmentError, isSafeSegment } from './keys.js';
export * from './job-store.js';
