#!/bin/bash
# Rebuilds console.exe from console.c with MinGW-w64 (Debian: gcc-mingw-w64-i686). The exe is committed so the
# tests need no cross compiler; expected.txt (the console stream the program produces in peek32, ANSI
# sequences included) is checked by wasm/api's TestConsoleScreenAPI and written by hand from
# core/win32/kernel32_conscreen.go's translation table.
set -euo pipefail
cd "$(dirname "$0")"
i686-w64-mingw32-gcc -O1 -Wall -Wno-format -D__USE_MINGW_ANSI_STDIO=0 \
	-Wl,--strip-debug -Wl,--no-insert-timestamp -o console.exe console.c
