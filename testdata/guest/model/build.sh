#!/bin/bash
# Rebuilds the process-model guest programs (issue 5): src/*.c -> bin/*.exe with i686-w64-mingw32-gcc (Debian
# package gcc-mingw-w64-i686), against msvcrt.dll's printf. Expected outputs in expected/ are hand-written from
# Windows documentation (README.md); this script never touches them.
#
#   ./build.sh            rebuild every program
#   ./build.sh NAME...    rebuild only these
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
WARN="-Wall -Wno-format"
# --strip-debug keeps the COFF symbol table but drops DWARF; --no-insert-timestamp makes the build reproducible.
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in src/*.c; do
		b=$(basename "$f")
		names+=("${b%.c}")
	done
fi
mkdir -p bin
for n in "${names[@]}"; do
	"$CC" -O1 $WARN -D__USE_MINGW_ANSI_STDIO=0 -o "bin/$n.exe" "src/$n.c" $LDFLAGS
	echo "built bin/$n.exe"
done
