#!/bin/sh
# Rebuilds the loader's real test binaries from src/ with MinGW (Debian's
# gcc-mingw-w64-i686) and signs testdll.dll with a throwaway self-signed
# certificate (openssl + osslsigncode). The outputs are committed; the tests
# only read them.
set -eu
cd "$(dirname "$0")"
CC=${CC:-i686-w64-mingw32-gcc}
WINDRES=${WINDRES:-i686-w64-mingw32-windres}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --no-insert-timestamp keeps the unsigned outputs reproducible.
FLAGS="-O1 -Wl,--no-insert-timestamp"
$CC $FLAGS -shared -o "$tmp/testdll.dll" src/testdll.c src/testdll.def -Wl,--out-implib,"$tmp/libtestdll.a"
$WINDRES src/hello.rc -O coff -o "$tmp/hello.res"
$CC $FLAGS -Wl,--build-id -o hello.exe src/hello.c "$tmp/hello.res" "$tmp/libtestdll.a"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=peek32 test signer/O=peek32" \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
osslsigncode sign -certs "$tmp/cert.pem" -key "$tmp/key.pem" -n "peek32 testdll" \
	-in "$tmp/testdll.dll" -out "$tmp/signed.dll" >/dev/null
mv "$tmp/signed.dll" testdll.dll
echo built hello.exe testdll.dll
