/**
 * @module The Solvent SDK: a typed client of the HTTP API for Node ≥ 20 and browsers (global `fetch` only; imports
 * nothing but shared/). `new SolventClient({url, apiKey}).run({solver: 'bcd', problem: …})` returns a `BcdResult`.
 */
export { SolventClient, sleep, solverInfoSchema } from './client.js';
export type {
  DryRunResponse,
  FetchLike,
  JobList,
  JobRef,
  ListParams,
  PollOptions,
  RequestOptions,
  ScheduleCreateInput,
  SolventClientOptions,
  SolverInfo,
  SubmitOptions,
  SubmittedJob,
  UploadResponse,
  WaitOptions,
} from './client.js';
export { SolventApiError, SolventJobError, SolventProtocolError, SolventTimeoutError } from './errors.js';
export { encodeNpy, parseNpy, NpyFormatError } from './npy.js';
export type { NpyArray, NpyData, NpyDtype } from './npy.js';
export type * from './results.js';
export type { Artifact, JobRecord, JobSpecInput, JobState, ProgressPoint, ScheduleRecord, SolverName } from '../shared/index.js';
