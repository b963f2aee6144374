#!/bin/bash
# Rebuilds the cross-process guest programs: src/*.c -> bin/*.exe with MinGW-w64 (i686-w64-mingw32-gcc, Debian
# package gcc-mingw-w64-i686). Expected outputs (expected/NAME.stdout, NAME.exitcode) are written by hand from
# the Windows documentation and checked under Wine 8.0 where noted in README.md; this script never touches them.
#
#   ./build.sh            rebuild every program
#   ./build.sh NAME...    rebuild only these
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
WARN="-Wall -Wno-format"
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"
LIBS="-lpsapi -lsynchronization"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in src/*.c; do
        b=$(basename "$f")
        names+=("${b%.c}")
    done
fi
for n in "${names[@]}"; do
    "$CC" -O1 $WARN -D_WIN32_WINNT=0x0602 -o "bin/$n.exe" "src/$n.c" $LDFLAGS $LIBS
done
