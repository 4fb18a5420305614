#!/usr/bin/env bash
# Installs everything kiln needs to build, test and benchmark on Debian 12,
# by package name. Idempotent: when every package is present it only checks.
set -euo pipefail

pkgs=(
  # build
  gcc g++ clang meson ninja-build pkg-config
  libelf-dev libdw-dev libdebuginfod-dev zlib1g-dev libcapstone-dev libmicrohttpd-dev
  libcurl4-openssl-dev libtraceevent-dev libzstd-dev libncurses-dev libiberty-dev
  # fuzzing and sanitizers (libFuzzer runtime for clang)
  libclang-rt-14-dev
  # peers and tools used by tests and benchmarks
  golang-go linux-perf debuginfod nodejs graphviz libxml2-utils binutils procps util-linux
  python3 tmux bc time curl valgrind
  # the man pages' checks (groff -ww, man -l); real programs libkiln runs in
  groff-base man-db git xz-utils
  # heap profilers bench/heap-overhead compares libkiln with
  libgoogle-perftools-dev heaptrack
  # browser tests of kiln web (headless Chromium driven through chromedriver
  # by python3-selenium: Debian packages only, no npm registry at test time)
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Machine settings the tests need, made only as root.
if [ "$(id -u)" -eq 0 ]; then
  # chromedriver reaches chromium as "localhost". Every installed Debian has
  # an /etc/hosts that names it; a root made by debootstrap has none.
  if [ ! -e /etc/hosts ]; then
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
  fi
  # Tracepoints need tracefs; a failure here shows in the tests that use it.
  if ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
  fi
fi
