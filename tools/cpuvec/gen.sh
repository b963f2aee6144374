#!/bin/sh
# Regenerates peek32's CPU test vectors (core/cpu/testdata/vectors/*.txt) by
# running every instruction form on this machine's CPU in 32-bit mode.
# Needs gcc with 32-bit support (Debian: gcc-multilib) and Go. Run from anywhere.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -m32 -O1 -no-pie -fno-pie -Wall -Wextra -o "$tmp/harness" "$root/tools/cpuvec/harness/harness.c"
cd "$root"
go run ./tools/cpuvec -harness "$tmp/harness" -out "$root/core/cpu/testdata/vectors" "$@"
