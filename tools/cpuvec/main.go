// Command cpuvec generates peek32's CPU test vectors by running instruction
// forms on the real CPU of this machine in 32-bit mode.
//
// It builds every case here (instruction bytes, hand-encoded from the form
// tables in forms*.go, plus random and edge-case input state), streams the
// cases to harness.c (compiled with gcc -m32) which executes each one natively
// and returns the resulting state, and writes one text file per group into
// core/cpu/testdata/vectors. gen.sh is the entry point; README.md documents the
// vector format. Generation is deterministic for a given CPU: each form's
// random source is seeded from the form's name.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

const (
	magicIn  = 0x45534143
	magicOut = 0x54534552
	maxLand  = 4
)

// result is the harness's struct case_out.
type result struct {
	Magic                    uint32
	Regs                     [8]uint32
	Flags, EIP               uint32
	Signo, Trapno, Err, Addr uint32
	CodeMod                  uint32 // the case wrote into the code window
	FX                       [512]byte
	Data                     [pageSize]byte
	Stack                    [pageSize]byte
}

// caseIn is the harness's struct case_in.
type caseIn struct {
	Magic, CodeLen uint32
	Code           [16]byte
	At             uint32
	NLand          uint32
	Land           [maxLand]uint32
	Regs           [8]uint32
	Flags          uint32
	FX             [512]byte
	Data           [pageSize]byte
	Stack          [pageSize]byte
}

func main() {
	harness := flag.String("harness", "", "path of the compiled harness (gcc -m32 harness.c)")
	out := flag.String("out", "core/cpu/testdata/vectors", "output directory")
	scale := flag.Int("scale", 1, "multiply the number of vectors per form")
	flag.Parse()
	if *harness == "" {
		fmt.Fprintln(os.Stderr, "cpuvec: -harness is required (see gen.sh)")
		os.Exit(2)
	}
	cases := makeCases(*scale)
	results, err := runHarness(*harness, cases)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpuvec:", err)
		os.Exit(1)
	}
	if err := writeGroups(*out, cases, results); err != nil {
		fmt.Fprintln(os.Stderr, "cpuvec:", err)
		os.Exit(1)
	}
}

// makeCases builds every case of every form, deterministically.
func makeCases(scale int) []*inst {
	var all []*inst
	forms := append(integerForms(), fpuForms()...)
	for _, f := range forms {
		for _, size := range f.sizes {
			for _, mem := range variants(f) {
				r := newRand(f.id(size, mem))
				n := f.nReg
				if n == 0 {
					n = defaultNReg
				}
				if mem {
					n = f.nMem
					if n == 0 {
						n = defaultNMem
					}
				}
				n *= scale
				for tries := 0; n > 0 && tries < 4*n+20; tries++ {
					in := build(f, size, mem, r)
					if in == nil {
						continue
					}
					all = append(all, in)
					n--
				}
			}
		}
	}
	return all
}

// variants returns the r/m kinds a form is generated with: register, memory or both.
func variants(f *form) []bool {
	switch {
	case !f.hasE() || f.regOnly:
		return []bool{false}
	case f.memOnly:
		return []bool{true}
	}
	return []bool{false, true}
}

// newRand returns the random source of a form instance, seeded from its name.
func newRand(id string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(h.Sum64(), 0x9e3779b97f4a7c15))
}

// runHarness streams the cases through the harness and collects its results.
func runHarness(path string, cases []*inst) ([]*result, error) {
	cmd := exec.Command(path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(stdin, 1<<20)
		for _, in := range cases {
			c := caseIn{Magic: magicIn, CodeLen: uint32(len(in.code)), At: in.at, NLand: uint32(len(in.land)),
				Regs: in.regs, Flags: in.flags, FX: in.fx, Data: in.data, Stack: in.stack}
			copy(c.Code[:], in.code)
			copy(c.Land[:], in.land)
			if err := binary.Write(w, binary.LittleEndian, &c); err != nil {
				werr <- err
				return
			}
		}
		if err := w.Flush(); err != nil {
			werr <- err
			return
		}
		werr <- stdin.Close()
	}()
	rd := bufio.NewReaderSize(stdout, 1<<20)
	results := make([]*result, 0, len(cases))
	for range cases {
		res := new(result)
		if err := binary.Read(rd, binary.LittleEndian, res); err != nil {
			return nil, fmt.Errorf("reading harness result %d: %w", len(results), err)
		}
		if res.Magic != magicOut {
			return nil, fmt.Errorf("harness result %d: bad magic", len(results))
		}
		results = append(results, res)
	}
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return nil, err
	}
	if err := <-werr; err != nil {
		return nil, err
	}
	return results, cmd.Wait()
}

var regNames = [8]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"}

// excName maps a trap number to the vector's exception kind.
func excName(trapno uint32) string {
	switch trapno {
	case 0:
		return "DE"
	case 1:
		return "DB"
	case 3:
		return "BP"
	case 4:
		return "OF"
	case 5:
		return "BR"
	case 6:
		return "UD"
	case 13:
		return "GP"
	case 14:
		return "PF"
	case 16:
		return "MF"
	case 17:
		return "AC"
	case 19:
		return "XM"
	}
	return fmt.Sprintf("T%d", trapno)
}

// chunks returns the runs of bytes in cur that differ from base, as
// "m<addr>=<hex>" fields; runs closer than 8 bytes are merged.
func chunks(sb *strings.Builder, base, cur []byte, addr uint32) {
	for i := 0; i < len(cur); {
		if cur[i] == base[i] {
			i++
			continue
		}
		j, last := i, i
		for j < len(cur) && j-last < 8 {
			if cur[j] != base[j] {
				last = j
			}
			j++
		}
		fmt.Fprintf(sb, " m%08x=%x", addr+uint32(i), cur[i:last+1])
		i = last + 1
	}
}

// format renders one vector line. See README.md for the grammar.
func format(in *inst, res *result) (string, error) {
	var sb strings.Builder
	sb.WriteString(in.f.id(in.size, in.mem))
	fmt.Fprintf(&sb, " %x |", in.code)
	if in.at != 0 {
		fmt.Fprintf(&sb, " at=%08x", in.at)
	}
	for i, n := range regNames {
		if in.regs[i] != 0 {
			fmt.Fprintf(&sb, " %s=%08x", n, in.regs[i])
		}
	}
	fmt.Fprintf(&sb, " fl=%04x", in.flags&(fCompared|fTF))
	if in.f.fs {
		fmt.Fprintf(&sb, " fsbase=%08x", uint32(fsBase))
	}
	var zero [pageSize]byte
	chunks(&sb, zero[:], in.data[:], dataAddr)
	chunks(&sb, zero[:], in.stack[:], stackAddr)
	defFX := defaultFX()
	fpuFields(&sb, &defFX, &in.fx, in.f.group)
	sb.WriteString(" |")
	for i, n := range regNames {
		if res.Regs[i] != in.regs[i] {
			fmt.Fprintf(&sb, " %s=%08x", n, res.Regs[i])
		}
	}
	if (res.Flags^in.flags)&fCompared != 0 {
		fmt.Fprintf(&sb, " fl=%04x", res.Flags&fCompared)
	}
	fallthroughEIP := insnAddr + uint32(len(in.code))
	if in.at != 0 {
		fallthroughEIP = in.at + uint32(len(in.code))
	}
	if res.Signo != 0 {
		fmt.Fprintf(&sb, " eip=%08x exc=%s", res.EIP, excName(res.Trapno))
		if res.Trapno == 14 {
			acc := "r"
			switch {
			case res.Err&0x10 != 0:
				acc = "x"
			case res.Err&0x2 != 0:
				acc = "w"
			}
			fmt.Fprintf(&sb, " addr=%08x acc=%s", res.Addr, acc)
		}
	} else if res.EIP != fallthroughEIP {
		fmt.Fprintf(&sb, " eip=%08x", res.EIP)
	}
	chunks(&sb, in.data[:], res.Data[:], dataAddr)
	chunks(&sb, in.stack[:], res.Stack[:], stackAddr)
	fpuFields(&sb, &in.fx, &res.FX, in.f.group)
	if in.undef != 0 {
		fmt.Fprintf(&sb, " u=%04x", in.undef)
	}
	if in.f.undefSW != 0 {
		fmt.Fprintf(&sb, " usw=%04x", in.f.undefSW)
	}
	if transcendental(in.f.mn) {
		sb.WriteString(" ulp=1")
	}
	if in.undefRegs != 0 {
		fmt.Fprintf(&sb, " ur=%02x", in.undefRegs)
	}
	if res.CodeMod != 0 {
		return "", fmt.Errorf("case wrote into the code area: %s", in.f.id(in.size, in.mem))
	}
	// Sanity: outside the fault group only divide errors (and x87/SSE
	// exceptions in their groups) are expected; anything else means the
	// generator built a case that went astray.
	if res.Signo != 0 && in.f.group != "fault" && in.f.group != "trap" {
		ok := res.Trapno == 0 || res.Trapno == 19 || res.Trapno == 16 ||
			res.Trapno == 13 && (strings.HasSuffix(in.f.mn, "_unal") || strings.HasPrefix(in.f.mn, "fs_limit")) ||
			res.Trapno == 14 && strings.HasPrefix(in.f.mn, "a16_") // ES:DI in the unmapped first 64 KiB
		if !ok {
			l := sb.String()
			if len(l) > 300 {
				l = l[:300] + "..."
			}
			return "", fmt.Errorf("unexpected %s in %s: %s", excName(res.Trapno), in.f.group, l)
		}
	}
	return sb.String(), nil
}

func writeGroups(dir string, cases []*inst, results []*result) error {
	model := cpuModel()
	lines := map[string][]string{}
	counts := map[string]int{}
	bad := 0
	for i, in := range cases {
		l, err := format(in, results[i])
		if err != nil {
			bad++
			if bad <= 20 {
				fmt.Fprintln(os.Stderr, "cpuvec: dropped:", err)
			}
			continue
		}
		lines[in.f.group] = append(lines[in.f.group], l)
		counts[in.f.group]++
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "cpuvec: %d cases dropped\n", bad)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	groups := make([]string, 0, len(lines))
	for g := range lines {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "# peek32 CPU vectors, group %s: %d vectors.\n", g, counts[g])
		fmt.Fprintf(&buf, "# Generated by tools/cpuvec/gen.sh on %q; do not edit. Format: tools/cpuvec/README.md.\n", model)
		fmt.Fprintf(&buf, "# form code | input state | changed state, fault, undefined-flag mask u, undefined-register mask ur\n")
		for _, l := range lines[g] {
			buf.WriteString(l)
			buf.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, g+".txt"), buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%-8s %6d vectors\n", g, counts[g])
	}
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.IndexByte(l, ':'); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return "unknown CPU"
}
