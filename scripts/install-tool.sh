#!/usr/bin/env bash
# Packs the a3gen command line as a .NET tool and installs it from the clone:
#   scripts/install-tool.sh                  global tool (~/.dotnet/tools/a3gen)
#   scripts/install-tool.sh --tool-path DIR  into DIR (DIR/a3gen)
# The templates travel inside the package; the installed a3gen needs no clone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
where=(--global)
if [ $# -gt 0 ]; then
  if [ "$1" = "--tool-path" ] && [ $# -eq 2 ]; then
    where=(--tool-path "$2")
  else
    echo "install-tool.sh: error: usage: scripts/install-tool.sh [--tool-path DIR]" >&2
    exit 1
  fi
fi
feed="$root/.build/nupkg"
rm -rf "$feed"
dotnet pack "$root/generator/A3Gen.Cli/A3Gen.Cli.csproj" -c Release -o "$feed" --nologo -v quiet
dotnet tool uninstall A3Gen.Cli "${where[@]}" >/dev/null 2>&1 || true
dotnet tool install A3Gen.Cli "${where[@]}" --add-source "$feed"
