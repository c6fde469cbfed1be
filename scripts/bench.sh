#!/usr/bin/env bash
# Benchmarks of the paper configuration, printed as a Markdown table of medians: generate time,
# Verilator build time (cold and cached), co-simulation speed (Verilator and Icarus), and measured
# cycles per query and latency for n = 16, 64, 320 next to the prediction and the paper.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/scripts/a3gen" bench "$@"
