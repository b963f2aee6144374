# Entry for the interpreter build: run(out = 0x00500000), result in EAX, then ud2.
.intel_syntax noprefix
.section .text.start
.globl _start
_start:
	push 0x00500000
	call run
	add esp, 4
	ud2
