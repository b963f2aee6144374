#!/bin/bash
# Rebuilds the hostile guest programs: src/*.c -> bin/*.exe with MinGW-w64 (i686-w64-mingw32-gcc).
# The expectations (expected/MODE.stdout, expected/MODE.exitcode) are hand-checked against the Windows
# documentation (README.md says where each comes from) and never rewritten here.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-i686-w64-mingw32-gcc}
CFLAGS="-O1 -Wall -Wno-format -Wno-infinite-recursion -Wno-alloc-size-larger-than -Wno-nonnull -Wno-stringop-overflow -D__USE_MINGW_ANSI_STDIO=0"
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"
mkdir -p bin
for src in src/*.c; do
	name=$(basename "$src" .c)
	$CC $CFLAGS -o "bin/$name.exe" "$src" $LDFLAGS
	echo "built $name"
done
