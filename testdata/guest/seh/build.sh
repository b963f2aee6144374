#!/bin/bash
# Rebuilds the SEH guest programs: src/*.c with i686-w64-mingw32-gcc, src/*.cpp with i686-w64-mingw32-g++
# (Debian packages gcc-mingw-w64-i686-win32 and g++-mingw-w64-i686-win32; g++ 12 uses DWARF-2 unwinding on
# i686, see README.md). libgcc and libstdc++ are linked statically, so the C++ program imports only KERNEL32
# and msvcrt. Expected outputs are hand-written from Windows documentation (README.md); this script never
# touches expected/.
#
#   ./build.sh            rebuild every program
#   ./build.sh NAME...    rebuild only these
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
CXX=${CXX:-i686-w64-mingw32-g++}
WARN="-Wall -Wno-format -Wno-infinite-recursion -Wno-missing-braces"
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in src/*.c src/*.cpp; do
        b=$(basename "$f")
        names+=("${b%.*}")
    done
fi
for n in "${names[@]}"; do
    if [ -f "src/$n.cpp" ]; then
        "$CXX" -O1 $WARN -static-libgcc -static-libstdc++ -o "bin/$n.exe" "src/$n.cpp" $LDFLAGS
    else
        "$CC" -O1 $WARN -o "bin/$n.exe" "src/$n.c" $LDFLAGS
    fi
    echo "built bin/$n.exe"
done
