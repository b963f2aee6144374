#!/bin/sh
# Rebuilds the loader's real test binaries from src/ with MinGW (Debian's
# gcc-mingw-w64-i686). The outputs are committed; the tests only read them.
set -eu
cd "$(dirname "$0")"
CC=${CC:-i686-w64-mingw32-gcc}
# -Wl,--no-insert-timestamp keeps the output reproducible.
FLAGS="-O1 -Wl,--no-insert-timestamp"
$CC $FLAGS -shared -o testdll.dll src/testdll.c src/testdll.def -Wl,--out-implib,src/libtestdll.a
$CC $FLAGS -o hello.exe src/hello.c src/libtestdll.a
rm -f src/libtestdll.a
echo built hello.exe testdll.dll
