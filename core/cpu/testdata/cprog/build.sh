#!/bin/sh
# Rebuilds prog_O0.bin, prog_O2.bin and prog_Os.bin (flat images loaded at 0x00400000 by
# TestCProgram) and expected.txt (the result of the same code run natively in 32-bit mode, the
# oracle). Needs gcc-multilib. The test itself only reads the committed files.
set -e
export LC_ALL=C
cd "$(dirname "$0")"
BASE="-m32 -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -ffreestanding -fno-builtin-memset -march=i686 -mtune=generic"
gcc -m32 -c start.s -o /tmp/cprog_start.o
for opt in O0 O2 Os; do
	gcc $BASE -$opt -c prog.c -o /tmp/cprog_$opt.o
	ld --no-warn-rwx-segments --no-warn-execstack -m elf_i386 -T link.ld -o /tmp/cprog_$opt.elf \
		/tmp/cprog_start.o /tmp/cprog_$opt.o "$(gcc -m32 -print-libgcc-file-name)"
	objcopy -O binary /tmp/cprog_$opt.elf prog_$opt.bin
	gcc -m32 -no-pie -o /tmp/cprog_native_$opt native.c /tmp/cprog_$opt.o
	/tmp/cprog_native_$opt > /tmp/cprog_expected_$opt.txt
done
cmp /tmp/cprog_expected_O0.txt /tmp/cprog_expected_O2.txt
cmp /tmp/cprog_expected_O0.txt /tmp/cprog_expected_Os.txt
cp /tmp/cprog_expected_O2.txt expected.txt
echo "expected.txt: $(head -1 expected.txt) result bytes"
