#!/usr/bin/env bash
# Benchmarks of the paper configuration, printed as a Markdown table of medians: generate time,
# Verilator build time (cold and cached), co-simulation speed (Verilator and Icarus), and measured
# cycles per query and latency for n = 16, 64, 320 next to the prediction and the paper.
# Then the paper configuration on the OSU 0.18 um standard cells (Yosys + OpenSTA, about 11 minutes
# and 2 GB): its worst path in ns and FO4, achieved clock, area and power (A3GEN_BENCH_ASIC=0 skips it).
# Then energy per query from measured activity (exact, conservative, aggressive) on a3-small: its
# standard-cell netlist simulated at gate level (a few minutes; A3GEN_BENCH_ENERGY=0 skips it), and explore's
# energy model calibrated on that run, applied to the same data file's exact, conservative and aggressive points.
# A3GEN_BENCH_LANES_COST=1 adds the cost of lanes: Yosys on the paper configuration with P = 1, 2, 4, 8 and both
# softmax kinds, generic cells and Xilinx 7-series resources (hours; runs kept in synth-out/lanes-cost, resumed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/a3gen" bench "$@"
if [ "${A3GEN_BENCH_ASIC:-1}" != 0 ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  echo
  "$root/scripts/a3gen" synth --target asic --config "$root/configs/a3-paper.json" --out "$out/a3-paper-asic" | grep -F ' on osu018'
fi
if [ "${A3GEN_BENCH_ENERGY:-1}" != 0 ]; then
  eout="$(mktemp -d)"
  trap 'rm -rf "${out:-}" "$eout"' EXIT
  echo
  "$root/scripts/a3gen" power --config "$root/configs/a3-small.json" --data "$root/testbenches/data/a3-small-energy.json" --out "$eout/a3-small-power" | grep -F 'nJ/query'
  "$root/scripts/a3gen" explore --config "$root/configs/a3-small.json" --trace "$root/testbenches/data/a3-small-energy.json" \
    --iterations n/2,n/8 --threshold-percent 5,10 --no-area --cosim-sample 0 --energy "$eout/a3-small-power/energy.json" \
    --out "$eout/a3-small-explore" 2>&1 | grep -E 'calibrated on|nJ/query'
fi
if [ "${A3GEN_BENCH_LANES_COST:-0}" != 0 ]; then
  echo
  "$root/scripts/a3gen" bench --lanes-cost --xilinx --cost-out "$root/synth-out/lanes-cost"
fi
