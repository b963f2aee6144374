#!/bin/bash
# Rebuilds the guest test programs: src/*.c -> bin/*.exe (and bin/*.dll) with MinGW-w64 (i686-w64-mingw32-gcc,
# Debian package gcc-mingw-w64-i686), and, for the programs that are plain C, their expected output from the
# same source built with `gcc -m32` (gcc-multilib) and run natively: the host is the oracle.
#
#   ./build.sh            rebuild everything (binaries and native expectations)
#   ./build.sh NAME...    rebuild only these programs
#
# Expected files (see README.md): expected/NAME.stdout, NAME.exitcode, and the inputs NAME.args (one argument
# per line) and NAME.stdin. A plain-C program's stdout is the native output with each "\n" turned into "\r\n",
# because msvcrt writes standard output in text mode. Windows-only programs have hand-written expectations
# (their sources say where each expected line comes from); build.sh never overwrites those.
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-i686-w64-mingw32-gcc}
NATIVE_CC=${NATIVE_CC:-gcc}
WARN="-Wall -Wno-format -Wno-format-truncation -Wno-infinite-recursion -Wno-unused-function -Wno-stringop-truncation"
# --strip-debug keeps the COFF symbol table (main, mainCRTStartup) but drops DWARF; --no-insert-timestamp makes
# the build reproducible.
LDFLAGS="-Wl,--strip-debug -Wl,--no-insert-timestamp"
CFLAGS="-O1 $WARN"

# name | kind | extra MinGW flags
#   kind native: plain C, expected output produced by the native oracle
#   kind win:    Windows-only, expectations written by hand in expected/
#   kind dll:    builds bin/NAME.dll (with src/NAME.def)
PROGRAMS='
hello|native|
exitmain|native|
exitcode|native|
args|native|
stdin_echo|native|
files|native|
printf_c99|native|-D__USE_MINGW_ANSI_STDIO=1
scanf|native|
malloc_stress|native|
int64|native|-D__USE_MINGW_ANSI_STDIO=1
setjmp|native|
stdlib|native|
lowio|win|
secure|win|
xss|native|
spin|win|
printf_msvcrt|win|
mydll|dll|
loadlib|win|
ordinal|win|bin/mydll.lib
tls|win|
unimplemented|win|
crash|win|
threads|win|
prodcons|win|
pipe|win|
terminate|win|
exitthread|win|
ids|win|
cow|win|
exceptions|win|
deadlock|win|
'

want() {
	local n
	for n in "${SELECTED[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

SELECTED=("$@")
mkdir -p bin expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Run a native binary with NAME's args/stdin in a scratch directory; write NAME.stdout (CRLF) and NAME.exitcode.
oracle() {
	local name=$1 exe=$2 argv=() rc=0 dir
	[ -f "expected/$name.args" ] && mapfile -t argv <"expected/$name.args"
	dir="$tmp/run-$name"
	mkdir -p "$dir"
	local stdin=/dev/null
	[ -f "expected/$name.stdin" ] && stdin="$PWD/expected/$name.stdin"
	(cd "$dir" && TZ=UTC "$exe" "${argv[@]}" <"$stdin" >"$tmp/$name.out") || rc=$?
	sed 's/$/\r/' "$tmp/$name.out" >"expected/$name.stdout"
	# sed adds "\r" before a final newline only; a last line without newline must stay as it is.
	if [ -s "$tmp/$name.out" ] && [ "$(tail -c1 "$tmp/$name.out" | od -An -c | tr -d ' ')" != '\n' ]; then
		head -c -1 "expected/$name.stdout" >"$tmp/trim" && mv "$tmp/trim" "expected/$name.stdout"
	fi
	echo "$rc" >"expected/$name.exitcode"
}

echo "$PROGRAMS" | while IFS='|' read -r name kind extra; do
	[ -z "$name" ] && continue
	if [ ${#SELECTED[@]} -gt 0 ]; then want "$name" || continue; fi
	case $kind in
	dll)
		$CC $CFLAGS -shared -o "bin/$name.dll" "src/$name.c" "src/$name.def" \
			-Wl,--out-implib,"bin/$name.lib" $LDFLAGS
		;;
	*)
		# MinGW-w64 turns on its own C99 printf/scanf (__USE_MINGW_ANSI_STDIO) by default for C99 and later;
		# unless a program asks for it, build against msvcrt.dll's printf and scanf, which peek32 emulates.
		stdio=-D__USE_MINGW_ANSI_STDIO=0
		case $extra in *__USE_MINGW_ANSI_STDIO*) stdio= ;; esac
		$CC $CFLAGS $stdio -o "bin/$name.exe" "src/$name.c" $extra $LDFLAGS
		;;
	esac
	if [ "$kind" = native ]; then
		$NATIVE_CC -m32 $CFLAGS -o "$tmp/$name" "src/$name.c" -lm
		oracle "$name" "$tmp/$name"
	fi
	echo "built $name ($kind)"
done

# The union of the imports of everything in bin/, for the people implementing the emulated DLLs.
for f in bin/*.exe bin/*.dll; do
	i686-w64-mingw32-objdump -p "$f" | awk '
		/^\tDLL Name: / { dll = tolower($3); next }
		dll != "" && /^\t[0-9a-f]+\t *[0-9]+ +[^ ]+$/ { n = $3; if (n == "<none>") n = "#" $2; print dll ": " n; next }
		/^\tvma:/ { next }
		{ dll = "" }'
done | sort -u | awk -F': ' '
	BEGIN { print "# Imports of the programs in bin/ (written by build.sh); one line per DLL, names sorted." }
	$1 != last { if (last != "") print line; line = $1 ":"; last = $1 }
	{ line = line " " $2 }
	END { print line }' >imports.txt
