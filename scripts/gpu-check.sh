#!/usr/bin/env bash
# gpu-check (issue 3): GPU smoke test of the kernel layer, under 5 minutes. On a host with an NVIDIA GPU it detects
# the adapter (nvidia-smi, then a WebGPU adapter through Dawn, the path gpu.js uses), runs the kernel contract suite
# on the GPU against the float64 oracles (test/solvers/kernels/webgpu.test.ts) and the kernel benchmark
# (bench/kernels.ts --gpu-check), and prints one table. Without an adapter it says "no GPU adapter found", exits 0.
#   GPU_CHECK_TESTS / GPU_CHECK_BENCH: replace the test / bench commands (e.g. prebuilt bundles); the test command
#   must write vitest's JSON report to $GPU_CHECK_TMP/tests.json, the bench writes bench/results/kernels.json.
#   GPU_CHECK_STRICT=1: exit 1 when no adapter is found. GPU_CHECK_TMP: folder for the logs (default: mktemp -d).
set -uo pipefail
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
GPU_CHECK_TMP=${GPU_CHECK_TMP:-$(mktemp -d)}
export GPU_CHECK_TMP
start=$(date +%s)

smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n1)
adapter=$("$NODE" --input-type=module -e '
  try {
    const { create } = await import("webgpu");
    const a = await create([]).requestAdapter({ powerPreference: "high-performance" });
    if (a) { const i = a.info ?? {}; console.log([i.description, i.vendor, i.architecture, i.device].filter(Boolean).join(" ") || "unknown adapter"); }
  } catch (e) { console.error(String(e)); }
' 2>"$GPU_CHECK_TMP/probe.err")

echo "gpu-check: nvidia-smi: ${smi:-none}"
if [ -z "$adapter" ]; then
  echo "gpu-check: no GPU adapter found (WebGPU/Dawn answered none; $(grep -m1 -o 'libvulkan[^:]*: [^.]*' "$GPU_CHECK_TMP/probe.err" || echo 'see probe log'))"
  echo "| check | result |"
  echo "|---|---|"
  echo "| GPU adapter | none |"
  echo "| kernel contract on GPU | skipped |"
  echo "| kernel benchmark on GPU | skipped |"
  [ "${GPU_CHECK_STRICT:-0}" = 1 ] && exit 1
  exit 0
fi
echo "gpu-check: WebGPU adapter: $adapter"

tests_cmd=${GPU_CHECK_TESTS:-"npx vitest run test/solvers/kernels/webgpu.test.ts --reporter=json --outputFile=$GPU_CHECK_TMP/tests.json"}
bench_cmd=${GPU_CHECK_BENCH:-"npx tsx bench/main.ts kernels --gpu-check"}
timeout 170 bash -c "$tests_cmd" >"$GPU_CHECK_TMP/tests.log" 2>&1
tests_rc=$?
timeout 110 bash -c "$bench_cmd" >"$GPU_CHECK_TMP/bench.log" 2>&1
bench_rc=$?

ADAPTER="$adapter" TESTS_RC=$tests_rc BENCH_RC=$bench_rc ELAPSED=$(($(date +%s) - start)) "$NODE" --input-type=module -e '
  import { readFileSync, existsSync } from "node:fs";
  const tmp = process.env.GPU_CHECK_TMP;
  const rows = [["adapter", process.env.ADAPTER, "", "", "", "ok"]];
  const tj = `${tmp}/tests.json`;
  if (existsSync(tj)) {
    const r = JSON.parse(readFileSync(tj, "utf8"));
    rows.push(["kernel contract vs float64 (webgpu)", `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests ?? 0} skipped`, "", "", "", r.numFailedTests === 0 && r.numPassedTests > 0 ? "ok" : "FAIL"]);
    for (const f of r.testResults ?? []) for (const a of f.assertionResults ?? []) if (a.status === "failed") rows.push(["  failed", a.fullName, "", "", "", String(a.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 120)]);
  } else rows.push(["kernel contract vs float64 (webgpu)", `no report (exit ${process.env.TESTS_RC})`, "", "", "", "FAIL"]);
  const bj = "bench/results/kernels.json";
  if (existsSync(bj) && process.env.BENCH_RC === "0") {
    const b = JSON.parse(readFileSync(bj, "utf8"));
    for (const t of b.tables) {
      const rateCol = t.columns.findIndex((c) => c === "GFLOP/s" || c === "GB/s");
      for (const r of t.rows) rows.push([`${r[0]}`, `${r[1]}`, `${r[2]}`, Number(r[3]).toFixed(2), `${Number(r[rateCol]).toPrecision(4)} ${t.columns[rateCol]}`, ""]);
    }
    const note = (b.tables[0].notes ?? [])[0];
    if (note) rows.push(["copy bandwidth", note.replace(/^.*: /, ""), "", "", "", ""]);
  } else rows.push(["kernel benchmark", `failed (exit ${process.env.BENCH_RC})`, "", "", "", "FAIL"]);
  rows.push(["wall time", `${process.env.ELAPSED} s`, "", "", "", Number(process.env.ELAPSED) < 300 ? "ok" : "slow"]);
  const head = ["check / kernel", "backend or result", "precision", "ms", "rate", "status"];
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
'
status=0
[ $tests_rc -ne 0 ] && status=1 && echo "--- test log (tail) ---" && tail -n 40 "$GPU_CHECK_TMP/tests.log"
[ $bench_rc -ne 0 ] && status=1 && echo "--- bench log (tail) ---" && tail -n 40 "$GPU_CHECK_TMP/bench.log"
exit $status
