#!/bin/bash
# Rebuilds the audit guest programs (docs/ISSUE4_AUDIT.md): src/*.c -> bin/*.exe and bin/*.dll with MinGW-w64
# (i686-w64-mingw32-gcc). Plain-C programs get their expected output from the same source built with
# `gcc -m32` and run natively (expected/NAME.stdout with "\n" -> "\r\n", NAME.exitcode); the Windows-only ones
# have hand-written expectations whose sources say where each line comes from (never overwritten here).
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
DLLTOOL=${DLLTOOL:-i686-w64-mingw32-dlltool}
NATIVE_CC=${NATIVE_CC:-gcc}
CFLAGS="-O1 -Wall -Wno-format -D__USE_MINGW_ANSI_STDIO=0"
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"
mkdir -p bin expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# DLLs: auditb <- audita (imports auditb, forwards to it and through it to kernel32), auditc (delay-loaded).
$CC $CFLAGS -shared -o bin/auditb.dll src/auditb.c src/auditb.def -Wl,--out-implib,"$tmp/libauditb.a" $LDFLAGS
$CC $CFLAGS -shared -o bin/audita.dll src/audita.c src/audita.def "$tmp/libauditb.a" -Wl,--out-implib,"$tmp/libaudita.a" $LDFLAGS
$CC $CFLAGS -shared -o bin/auditc.dll src/auditc.c src/auditc.def $LDFLAGS
# auditc.dll as a delay-load import library (MinGW's dlltool --output-delaylib; the helper __delayLoadHelper2
# comes from MinGW's runtime and calls LoadLibraryA/GetProcAddress at the first call).
# dlltool names the library's symbols after the output path (and MinGW keeps COFF symbols): build the
# libraries under a fixed relative name so that the exe is the same every build.
src=$PWD/src
(cd "$tmp" && $DLLTOOL --input-def "$src/auditc.def" --dllname auditc.dll --output-delaylib libauditc_delay.a)
# An API-set import library: the exe imports from api-ms-win-core-processthreads-l1-1-0.dll.
(cd "$tmp" && $DLLTOOL -k --input-def "$src/apiset.def" --output-lib libapiset.a)
$CC $CFLAGS -o bin/dllchain.exe src/dllchain.c "$tmp/libaudita.a" "$tmp/libauditc_delay.a" "$tmp/libapiset.a" $LDFLAGS
echo "built dllchain"
# A DLL whose DllMain fails, loaded dynamically (dllfail) and statically (dllfail_static).
$CC $CFLAGS -shared -o bin/auditfail.dll src/auditfail.c -Wl,--out-implib,"$tmp/libauditfail.a" $LDFLAGS
$CC $CFLAGS -o bin/dllfail_static.exe src/dllfail_static.c "$tmp/libauditfail.a" $LDFLAGS
echo "built dllfail_static"

# A DLL preferring msvcrt.dll's base, loaded before msvcrt.dll by an exe that imports only it.
$CC $CFLAGS -shared -o bin/auditbase.dll src/auditbase.c -Wl,--image-base,0x77C10000 -Wl,--out-implib,"$tmp/libauditbase.a" $LDFLAGS
$CC $CFLAGS -nostdlib -e _start -o bin/placement.exe src/placement.c "$tmp/libauditbase.a" $LDFLAGS
echo "built placement"

# Windows-only programs (hand-written expectations).
for name in peb vfs iocat handles dllfail startup; do
	$CC $CFLAGS -o "bin/$name.exe" "src/$name.c" $LDFLAGS
	echo "built $name"
done
