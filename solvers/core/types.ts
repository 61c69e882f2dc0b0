/**
 * @module The solver shape (DESIGN §6) and the run context the worker hands to `solver.run`.
 */
import type { z } from 'zod';
import type { Resources, StopReason, ProgressPoint, SolverName } from '../../shared/index.js';
import type { Kernels } from '../kernels/ops.js';
import type { Rng } from './rng.js';

export type { Resources, StopReason, ProgressPoint };

export interface ArtifactInfo {
  name: string;
  dtype: 'float64' | 'int32' | 'float32' | 'uint8';
  shape: number[];
  bytes: number;
}

export interface ArtifactWriter {
  /** Writes `name` (e.g. "x.npy") as a NumPy .npy array with the given shape (row-major). */
  write(name: string, data: Float64Array | Float32Array | Int32Array | Uint8Array, shape: number[]): Promise<ArtifactInfo>;
}

/** Read access to the configured benchmark data folder (SOLVENT_DATA_DIR), e.g. "tfbind8/tf_bind_8-x-0.npy". */
export interface DataReader {
  /** Undefined when the data folder or the file is absent. */
  read(path: string): Promise<Uint8Array | undefined>;
  readonly location?: string;
}

/** A decoded .npy array. */
export interface StoredArray {
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;
}

/** Read access to other jobs of the same tenant (a solver reusing what an earlier job produced, e.g. a trained model). */
export interface JobReader {
  /** Artifact `name` of job `id`, decoded; undefined when the job or the artifact does not exist. */
  artifact(id: string, name: string): Promise<StoredArray | undefined>;
  /** The result document of job `id`; undefined when there is none. */
  result(id: string): Promise<Record<string, unknown> | undefined>;
}

/** Typed arrays a checkpoint carries in binary (large solver state: lifted variables, network weights). */
export type CheckpointArrays = Record<string, Float64Array | Float32Array | Int32Array>;

export interface CheckpointData<T> {
  meta: T;
  arrays: CheckpointArrays;
}

/**
 * Periodic state for resuming a retried attempt (ROOT epochs, MAID iterations, FDR iterations): `meta` is JSON,
 * `arrays` are stored in binary. A save replaces the previous checkpoint atomically (a torn save is never loaded).
 * Save every few seconds at most; the worker also keeps the latest one when the process is stopped.
 */
export interface Checkpointer {
  load<T>(): Promise<CheckpointData<T> | undefined>;
  save(meta: unknown, arrays?: CheckpointArrays): Promise<void>;
}

export interface RunContext {
  /** Report progress; the worker throttles writes (≥ 1 s apart) and keeps the history. */
  progress(p: ProgressPoint): void;
  /** Aborted on cancel or timeout; check at least once a second. */
  signal: AbortSignal;
  kernels: Kernels;
  rng: Rng;
  artifacts: ArtifactWriter;
  data: DataReader;
  checkpoint: Checkpointer;
  /** Other jobs of the same tenant (read only). */
  jobs: JobReader;
  /** Milliseconds since the epoch (injected clock). */
  now(): number;
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** What `run` returns: the solver's outputs (DESIGN §7) plus the common fields it alone knows. */
export interface SolverOutput {
  stop: StopReason;
  iterations: number;
  history: Record<string, unknown>[];
  /** Options as applied, defaults filled in. */
  options: Record<string, unknown>;
  [field: string]: unknown;
}

export interface Solver<Spec = unknown> {
  name: SolverName;
  schema: z.ZodType<Spec>;
  resources(spec: Spec): Resources;
  run(spec: Spec, ctx: RunContext): Promise<SolverOutput>;
}

/** Thrown-through check used in loops: returns true once the signal is aborted. */
export function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
