#!/bin/bash
# Rebuilds the issue-5 audit guest programs: src/*.c -> bin/*.exe (and src/a5dll.c -> bin/a5dll.dll, which
# a5_threads imports) with i686-w64-mingw32-gcc (Debian package gcc-mingw-w64-i686), against msvcrt.dll's
# printf. Expected outputs in expected/ are hand-written from Windows documentation (README.md); this script
# never touches them.
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
WARN="-Wall -Wno-format"
# --strip-debug keeps the COFF symbol table but drops DWARF; --no-insert-timestamp makes the build reproducible.
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"

mkdir -p bin
"$CC" -O1 $WARN -shared -o bin/a5dll.dll src/a5dll.c -Wl,--out-implib,bin/liba5dll.a $LDFLAGS
echo "built bin/a5dll.dll"
for f in src/a5_*.c; do
	n=$(basename "$f" .c)
	"$CC" -O1 $WARN -D__USE_MINGW_ANSI_STDIO=0 -o "bin/$n.exe" "$f" -Lbin -la5dll $LDFLAGS
	echo "built bin/$n.exe"
done
rm -f bin/liba5dll.a
