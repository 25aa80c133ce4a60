#!/usr/bin/env bash
# Installs the Debian packages mtpe needs (when missing), then configures and builds.
# Usage: scripts/setup.sh [BUILD_DIR] [extra cmake args...]   (default BUILD_DIR: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; shift || true
pkgs=(build-essential cmake pkg-config libhunspell-dev hunspell-en-us libicu-dev libyaml-dev
      libpcre2-dev hunspell-en-gb libncurses-dev libcmocka-dev libcmark-dev libxml2-dev tmux python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B "$build" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
echo "setup: built $build/mtpe"
