#!/bin/sh
# Rebuilds the test programs of core/win32 (needs i686-w64-mingw32-gcc, Debian gcc-mingw-w64-i686).
set -e
cd "$(dirname "$0")"
for c in *.c; do
	i686-w64-mingw32-gcc -O1 -s -Wl,--no-insert-timestamp -o "${c%.c}.exe" "$c"
done
