#!/bin/sh
# Regenerates the hardware reference tables from this machine's CPU. Needs gcc-multilib.
set -e
cd "$(dirname "$0")"
gcc -m32 -msse2 -O1 -Wall -o /tmp/x87gen x87gen.c
/tmp/x87gen x87 400 > ../x87_hw.txt
/tmp/x87gen sse 400 > ../sse_hw.txt
/tmp/x87gen x87u 400 > ../x87u_hw.txt ../sseu_hw.txt
/tmp/x87gen sseu 300 > ../sseu_hw.txt
rm -f /tmp/x87gen
wc -l ../x87_hw.txt ../sse_hw.txt ../x87u_hw.txt ../sseu_hw.txt
gcc -m32 -msse2 -O1 -Wall -o /tmp/rcpgen rcpgen.c
/tmp/rcpgen > ../../approx_table.go
rm -f /tmp/rcpgen
