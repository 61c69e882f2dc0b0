/**
 * @module Float64 GEMM entry, C[m×n] = α·op(A)·op(B) + β·C (row-major). For now the i-k-j reference kernel; the
 * blocked, packed kernel replaces it for large products.
 */
export { gemmReference as gemm } from './gemm-reference.js';
