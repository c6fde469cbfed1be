#!/usr/bin/env bash
# Installs the HDL tools if missing (Debian packages: Verilator, Icarus Verilog, Yosys, nextpnr-ice40
# with the iCE40 chip database of fpga-icestorm, OpenSTA and the OSU 0.18 um standard cells of qflow) and the font the exploration plots use (DejaVu),
# then runs every test: unit, golden-model, lint-gate, co-simulation, synthesis, trace, capture and
# exploration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missing=()
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
command -v nextpnr-ice40 >/dev/null 2>&1 || missing+=(nextpnr-ice40)
command -v icepack >/dev/null 2>&1 || missing+=(fpga-icestorm)
command -v sta >/dev/null 2>&1 || missing+=(opensta)
[ -f /usr/share/qflow/tech/osu018/osu018_stdcells.lib ] || missing+=(qflow-tech-osu018)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} with apt-get" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
verilator --version
iverilog -V 2>/dev/null | head -n 1
yosys -V
nextpnr-ice40 --version 2>&1 | head -n 1
cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test A3Gen.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# The plain closing line: the counts of every test project's summary, added up.
counts=$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+).*/\1 \2/' \
  | awk '{ f += $1; p += $2; n++ } END { if (n > 0) print p " passed, " f " failed" }' || true)
if [ -n "$counts" ]; then
  echo "$counts"
fi
exit "$status"
