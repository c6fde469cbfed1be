#!/usr/bin/env bash
# The software baseline (bench/README.md): single-query attention o = softmax(q K^T) V on this CPU, one core,
# float32, for (n, d) = (320, 64), (100, 16), (16, 4), (128, 32), with BenchmarkDotNet
# (bench/A3Gen.Benchmarks): a vectorized C# kernel, a TensorPrimitives-per-row version and ONNX
# Runtime (IO binding, one intra-op thread), each also for 32 queries against the same K and V.
# Checks every implementation against double-precision attention first, then prints the machine,
# BenchmarkDotNet's own summary and a Markdown table of medians (ns and queries per second per
# query) next to the generated accelerator's exact path (cycles per query at its target clock),
# then a cross-check timed by the thread's CPU time (what the wall clock adds on a busy machine),
# with the load average before and after.
# Arguments go to BenchmarkDotNet (default: --filter '*'); e.g. --filter '*Onnx*'.
# About 2 to 3 minutes on the 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/bench/A3Gen.Benchmarks/A3Gen.Benchmarks.csproj"
out="$root/.build/bench"
echo "bench-cpu: building (Release)..." >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet build "$project" -c Release -o "$out" --nologo >"$log" 2>&1; then
  cat "$log" >&2; echo "bench-cpu: error: the build failed" >&2; exit 1
fi
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; .NET $(dotnet --version) SDK, runtime $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([^ ]*\).*/\1/p' | tail -n 1)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root/bench/A3Gen.Benchmarks"
dotnet "$out/A3Gen.Benchmarks.dll" --check
if [ $# -eq 0 ]; then set -- --filter '*'; fi
dotnet "$out/A3Gen.Benchmarks.dll" "$@"
echo "# load average after the BenchmarkDotNet run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
DOTNET_MaxVectorTBitWidth=512 DOTNET_TieredCompilation=0 dotnet "$out/A3Gen.Benchmarks.dll" --cpu-time
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
