#!/usr/bin/env bash
# The large property-based campaign: the suite's fuzz tests (tests/A3Gen.Tests/Fuzz*.cs) with large samples.
# Defaults: 1,000 random valid configurations (elaborated, rendered, formats checked), 6 through the three lint
# gates, 22 random configurations co-simulated under Verilator with 2 x 230 random queries each (over 10,000),
# and ten times the suite's sample of invalid configurations, malformed data files, traces and option values.
# Override with A3GEN_FUZZ_CONFIGS, A3GEN_FUZZ_LINT, A3GEN_FUZZ_COSIM_CONFIGS, A3GEN_FUZZ_COSIM_QUERIES,
# A3GEN_FUZZ_SCALE; replay a failure with A3GEN_FUZZ_SEED=<the seed it printed>. Prints the counts at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/.build/fuzz"
report="${A3GEN_FUZZ_REPORT:-$build/counts.txt}"
export A3GEN_FUZZ_CONFIGS="${A3GEN_FUZZ_CONFIGS:-1000}"
export A3GEN_FUZZ_LINT="${A3GEN_FUZZ_LINT:-6}"
export A3GEN_FUZZ_COSIM_CONFIGS="${A3GEN_FUZZ_COSIM_CONFIGS:-22}"
export A3GEN_FUZZ_COSIM_QUERIES="${A3GEN_FUZZ_COSIM_QUERIES:-230}"
export A3GEN_FUZZ_SCALE="${A3GEN_FUZZ_SCALE:-10}"
export A3GEN_TEMPLATES="${A3GEN_TEMPLATES:-$root/templates}"
# A build of its own, so that rebuilding the repository while the campaign runs does not disturb it.
dotnet build "$root/tests/A3Gen.Tests/A3Gen.Tests.csproj" -c Release -o "$build" --nologo -v quiet >/dev/null
mkdir -p "$(dirname "$report")"
: > "$report"
export A3GEN_FUZZ_REPORT="$report"
start=$(date +%s)
status=0
dotnet test "$build/A3Gen.Tests.dll" --filter "FullyQualifiedName~A3Gen.Tests.Fuzz" --logger "console;verbosity=minimal" || status=$?
echo
echo "fuzz campaign: $(( $(date +%s) - start )) s, exit status $status"
cat "$report"
exit $status
