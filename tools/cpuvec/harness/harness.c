/*
 * harness.c: runs single x86 instructions on the real CPU in 32-bit mode and
 * reports the resulting machine state. It is the oracle behind peek32's CPU
 * test vectors (see README.md); the Go program in this directory chooses the
 * cases, streams them to this harness on stdin and formats the vectors.
 *
 * Build (gen.sh does this):  gcc -m32 -O1 -no-pie -fno-pie -o harness harness.c
 *
 * Protocol: stdin carries a sequence of struct case_in records, stdout
 * receives one struct case_out per case, both little-endian with the exact
 * layouts below (no padding: every field is a multiple of 4 bytes).
 *
 * How one case runs:
 *   - The case's instruction bytes are copied to INSN_ADDR (or the case's own
 *     address, for instructions straddling the end of the area) inside a RWX code
 *     area mapped at a fixed address (filled with INT3 elsewhere). Right after
 *     the instruction, and at every extra landing address the case names
 *     (branch targets), a "landing" is written: `mov dword [out_eip], addr`
 *     followed by `jmp [epilogue_ptr]`. So whichever way the instruction leaves,
 *     the landing records the EIP it reached and jumps to the epilogue.
 *   - The data page (DATA_ADDR) and the stack page (STACK_ADDR), both at fixed
 *     addresses, are filled with the case's bytes. The emulator maps the same
 *     bytes at the same addresses.
 *   - run_case (assembly below) saves the host registers, loads the x87/SSE
 *     state with FXRSTOR, the 8 GPRs, EFLAGS with POPF (from a scratch slot, so
 *     the guest ESP is free to hold any value), the guest ESP, and jumps to the
 *     instruction. The epilogue stores ESP, EFLAGS (PUSHF into a scratch slot),
 *     the GPRs and FXSAVE, then restores the host.
 *   - Cases whose EFLAGS have TF set instead POPF their EFLAGS from just below
 *     the guest ESP with a POPF placed right before the instruction, so the
 *     single-step trap (#DB) comes right after the instruction under test.
 *   - FS is loaded with a data segment based at FS_BASE with limit 0xFFF (an LDT
 *     entry), so FS-relative operands work as they do against a Windows TEB.
 *   - Faults (#DE, #UD, #BP, #GP, #PF, #BR, #OF, #XM, ...) arrive as signals on an
 *     alternate stack (the guest ESP may be garbage); the handler copies the
 *     state at the fault out of the ucontext (GPRs, EFLAGS, EIP, trap number,
 *     error code, fault address, FXSAVE image) and siglongjmps back.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x10000000u /* code area: CODE_SIZE bytes */
#define CODE_SIZE 0x10000u
#define INSN_ADDR 0x10008000u /* where the instruction under test starts */
#define DATA_ADDR 0x20000000u /* one page of data operands */
#define STACK_ADDR 0x30000000u /* one page of stack */
#define PAGE 4096u
#define FS_BASE 0x20000800u /* base of the FS segment the stub loads (an LDT entry, limit 0xFFF) */
#define MAX_LAND 4
#define MAGIC_IN 0x45534143u  /* "CASE" */
#define MAGIC_OUT 0x54534552u /* "REST" */

struct case_in {
    uint32_t magic;
    uint32_t codelen;
    uint8_t code[16];
    uint32_t at; /* instruction address; 0 = INSN_ADDR. Bytes past the code area are not written */
    uint32_t nland;
    uint32_t land[MAX_LAND];
    uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t flags;
    uint8_t fx[512]; /* FXRSTOR image */
    uint8_t data[PAGE];
    uint8_t stack[PAGE];
};

struct case_out {
    uint32_t magic;
    uint32_t regs[8];
    uint32_t flags;
    uint32_t eip;
    uint32_t signo; /* 0: no fault */
    uint32_t trapno;
    uint32_t err;
    uint32_t addr;
    uint32_t codemod; /* 1: the case wrote into the code window (a generator bug) */
    uint8_t fx[512]; /* FXSAVE image after the instruction (or at the fault) */
    uint8_t data[PAGE];
    uint8_t stack[PAGE];
};

/* Globals used by the assembly; -no-pie makes their addresses absolute. */
uint8_t in_fx[512] __attribute__((aligned(16)));
uint8_t out_fx[512] __attribute__((aligned(16)));
uint32_t in_regs[8], out_regs[8];
uint32_t in_flags, out_eip;
uint32_t out_flagbuf[2]; /* PUSHF target: ESP = &out_flagbuf[2] writes out_flagbuf[1] */
uint32_t host_esp, insn_ptr, epilogue_ptr;
uint32_t tf_mode, tf_esp, tf_ptr; /* single-step cases: see run_case */
uint16_t host_fs, fs_sel;          /* FS during a case: a flat data segment based at FS_BASE */

void run_case(void);
void epilogue(void);

__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushal\n"
    "  pushfl\n"
    "  movl %esp, host_esp\n"
    "  movw %fs, host_fs\n"
    "  movw fs_sel, %fs\n"
    "  fxrstor in_fx\n"
    "  movl in_regs+0, %eax\n"
    "  movl in_regs+4, %ecx\n"
    "  movl in_regs+8, %edx\n"
    "  movl in_regs+12, %ebx\n"
    "  movl in_regs+20, %ebp\n"
    "  movl in_regs+24, %esi\n"
    "  movl in_regs+28, %edi\n"
    "  cmpl $0, tf_mode\n"
    "  jne 1f\n"
    "  movl $in_flags, %esp\n"
    "  popfl\n"
    "  movl in_regs+16, %esp\n"
    "  jmp *insn_ptr\n"
    /* Single-step cases: POPF (the 9D byte just before the instruction) loads
       EFLAGS with TF from the guest stack, so the trap comes right after the
       instruction under test. */
    "1:\n"
    "  movl tf_esp, %esp\n"
    "  jmp *tf_ptr\n"
    ".globl epilogue\n"
    "epilogue:\n"
    "  movl %esp, out_regs+16\n"
    "  movl $out_flagbuf+8, %esp\n"
    "  pushfl\n"
    "  movl %eax, out_regs+0\n"
    "  movl %ecx, out_regs+4\n"
    "  movl %edx, out_regs+8\n"
    "  movl %ebx, out_regs+12\n"
    "  movl %ebp, out_regs+20\n"
    "  movl %esi, out_regs+24\n"
    "  movl %edi, out_regs+28\n"
    "  fxsave out_fx\n"
    "  movw host_fs, %fs\n"
    "  movl host_esp, %esp\n"
    "  popfl\n"
    "  popal\n"
    "  ret\n");

static sigjmp_buf jb;
static struct case_out out;
static uint8_t altstack[65536];

static void on_signal(int sig, siginfo_t *si, void *uctx) {
    ucontext_t *uc = uctx;
    greg_t *g = uc->uc_mcontext.gregs;
    out.signo = (uint32_t)sig;
    out.trapno = (uint32_t)g[REG_TRAPNO];
    out.err = (uint32_t)g[REG_ERR];
    out.addr = (uint32_t)(uintptr_t)si->si_addr;
    out.eip = (uint32_t)g[REG_EIP];
    out.flags = (uint32_t)g[REG_EFL];
    out.regs[0] = (uint32_t)g[REG_EAX];
    out.regs[1] = (uint32_t)g[REG_ECX];
    out.regs[2] = (uint32_t)g[REG_EDX];
    out.regs[3] = (uint32_t)g[REG_EBX];
    out.regs[4] = (uint32_t)g[REG_UESP];
    out.regs[5] = (uint32_t)g[REG_EBP];
    out.regs[6] = (uint32_t)g[REG_ESI];
    out.regs[7] = (uint32_t)g[REG_EDI];
    /* The i386 signal frame's FPU area is the legacy FSAVE header (112 bytes)
       followed by the FXSAVE image when magic (at offset 110) is not 0xffff. */
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    if (fp != NULL && *(uint16_t *)(fp + 110) != 0xffff)
        memcpy(out.fx, fp + 112, 512);
    else
        memset(out.fx, 0, 512);
    siglongjmp(jb, 1);
}

static void put_landing(uint32_t at) {
    uint8_t *p = (uint8_t *)(uintptr_t)at;
    p[0] = 0xc7; /* mov dword [out_eip], at */
    p[1] = 0x05;
    uint32_t a = (uint32_t)(uintptr_t)&out_eip;
    memcpy(p + 2, &a, 4);
    memcpy(p + 6, &at, 4);
    p[10] = 0xff; /* jmp [epilogue_ptr] */
    p[11] = 0x25;
    a = (uint32_t)(uintptr_t)&epilogue_ptr;
    memcpy(p + 12, &a, 4);
}

static void *map_fixed(uint32_t addr, uint32_t size, int prot) {
    void *p = mmap((void *)(uintptr_t)addr, size, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || (uint32_t)(uintptr_t)p != addr) {
        fprintf(stderr, "harness: cannot map %#x\n", addr);
        exit(2);
    }
    return p;
}

static int read_full(void *buf, size_t n) {
    uint8_t *b = buf;
    while (n > 0) {
        ssize_t r = read(0, b, n);
        if (r <= 0)
            return 0;
        b += r;
        n -= (size_t)r;
    }
    return 1;
}

int main(void) {
    static struct case_in in;
    uint8_t *code = map_fixed(CODE_ADDR, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint8_t *data = map_fixed(DATA_ADDR, PAGE, PROT_READ | PROT_WRITE);
    uint8_t *stack = map_fixed(STACK_ADDR, PAGE, PROT_READ | PROT_WRITE);
    memset(code, 0xcc, CODE_SIZE);
    epilogue_ptr = (uint32_t)(uintptr_t)&epilogue;

    /* FS: Windows code addresses its TEB through FS (a segment with limit
       0xFFF); cases with an FS override read and write through an LDT data
       segment based at FS_BASE with the same limit. */
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = 0;
    d.base_addr = FS_BASE;
    d.limit = 0xfff; /* one page, byte granular: Windows' TEB segment */
    d.seg_32bit = 1;
    d.limit_in_pages = 0;
    d.useable = 1;
    if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0) {
        perror("modify_ldt");
        return 2;
    }
    fs_sel = (0 << 3) | 4 | 3; /* LDT entry 0, RPL 3 */
    __asm__ volatile("movw %%fs, %0" : "=m"(host_fs));

    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);

    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    while (read_full(&in, sizeof in)) {
        if (in.magic != MAGIC_IN || in.codelen > 16 || in.nland > MAX_LAND) {
            fprintf(stderr, "harness: bad case record\n");
            return 2;
        }
        /* Clear the previous case's bytes and landings. */
        memset(code, 0xcc, CODE_SIZE);
        uint32_t at = in.at ? in.at : INSN_ADDR;
        if (at < CODE_ADDR || at >= CODE_ADDR + CODE_SIZE) {
            fprintf(stderr, "harness: instruction address %#x out of range\n", at);
            return 2;
        }
        /* An instruction may straddle the end of the code area: the bytes that
           would lie beyond it are not written and its fetch faults there. */
        uint32_t room = CODE_ADDR + CODE_SIZE - at;
        memcpy(code + (at - CODE_ADDR), in.code, in.codelen < room ? in.codelen : room);
        if (in.codelen + 16 <= room)
            put_landing(at + in.codelen);
        insn_ptr = at;
        for (uint32_t i = 0; i < in.nland; i++) {
            uint32_t t = in.land[i];
            if (t < INSN_ADDR - 0x1000 || t + 16 > INSN_ADDR + 0x1000) {
                fprintf(stderr, "harness: landing %#x out of range\n", t);
                return 2;
            }
            put_landing(t);
        }
        memcpy(data, in.data, PAGE);
        memcpy(stack, in.stack, PAGE);
        /* EFLAGS with TF set: POPF it from the guest stack just below ESP (the
           generator puts the same value there in the case's stack image). */
        tf_mode = (in.flags & 0x100) != 0;
        if (tf_mode) {
            uint32_t sp = in.regs[4] - 4;
            if (sp < STACK_ADDR || sp + 4 > STACK_ADDR + PAGE) {
                fprintf(stderr, "harness: TF case needs ESP inside the stack page\n");
                return 2;
            }
            memcpy(stack + (sp - STACK_ADDR), &in.flags, 4);
            tf_esp = sp;
            tf_ptr = INSN_ADDR - 1;
            code[INSN_ADDR - CODE_ADDR - 1] = 0x9d; /* popf */
        }
        memcpy(in_fx, in.fx, 512);
        memcpy(in_regs, in.regs, sizeof in_regs);
        in_flags = in.flags;
        __builtin___clear_cache((char *)code, (char *)code + CODE_SIZE);
        static uint8_t window[CODE_SIZE];
        memcpy(window, code, sizeof window);

        memset(&out, 0, sizeof out);
        out.magic = MAGIC_OUT;
        if (sigsetjmp(jb, 1) == 0) {
            run_case();
            memcpy(out.regs, out_regs, sizeof out.regs);
            out.flags = out_flagbuf[1];
            out.eip = out_eip;
            memcpy(out.fx, out_fx, 512);
        }
        /* Back to the host's FS and a sane FPU/SSE state whatever the case left. */
        __asm__ volatile("movw %0, %%fs" ::"m"(host_fs));
        __asm__ volatile("fninit");
        uint32_t mx = 0x1f80;
        __asm__ volatile("ldmxcsr %0" ::"m"(mx));
        out.codemod = memcmp(window, code, sizeof window) != 0;
        memcpy(out.data, data, PAGE);
        memcpy(out.stack, stack, PAGE);
        if (fwrite(&out, sizeof out, 1, stdout) != 1)
            return 2;
    }
    fflush(stdout);
    return 0;
}
