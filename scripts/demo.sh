#!/usr/bin/env bash
# One command from a fresh Debian 12 machine (as root) to a real profile:
# installs dependencies, builds kiln, profiles the bundled demo workload,
# prints its top functions and leaves demo.pb.gz for `go tool pprof`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
echo "== kiln record -F 999 -g -o demo.pb.gz -- build/tests/workloads/cpu-split 2"
build/kiln record -F 999 -g -o demo.pb.gz -- build/tests/workloads/cpu-split 2
echo "== kiln report -top demo.pb.gz"
build/kiln report -top -nodecount=10 demo.pb.gz
echo
echo "Open it in pprof too: go tool pprof -top demo.pb.gz"
