package cpu_test

// This file runs the real-CPU test vectors in testdata/vectors against the
// interpreter. The vectors were recorded by tools/cpuvec (gen.sh) on a real
// x86 CPU in 32-bit mode; tools/cpuvec/README.md documents the format. Each
// vector is one instruction: the runner maps the code, data and stack pages at
// the addresses the generator used, loads the input state, steps the
// instruction and compares registers, EIP, flags (minus those the Intel SDM
// leaves undefined), memory, x87/SSE state and the exception with the record.
//
// Per-form pass/fail counts: go test -run TestVectors -v ./core/cpu
// One group or form: go test -run 'TestVectors/shift' -v ./core/cpu -vectors.form=rcl

import (
	"bufio"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/cpu/fpu"
	"github.com/peek32/peek32/mm"
)

// pendingGroups lists vector groups whose interpreter support has not landed
// yet. Their vectors still run and their counts are logged, but failures skip
// the group's subtest instead of failing it. Remove a group from this list as
// soon as it passes; the list is meant to end up empty.
var pendingGroups = map[string]string{
	// "group": "why it is pending",
}

var (
	vecForm    = flag.String("vectors.form", "", "run only forms whose name contains this string")
	vecMaxFail = flag.Int("vectors.show", 3, "failures shown per form")
	vecDir     = flag.String("vectors.dir", filepath.Join("testdata", "vectors"),
		"directory of vector files (e.g. a denser set from tools/cpuvec/gen.sh -scale 4 -out DIR)")
)

// Guest layout used by the generator (tools/cpuvec/case.go).
const (
	vecCode    = 0x10000000 // the generator's code area: [vecCode, vecCodeEnd); the page after is unmapped
	vecCodeEnd = 0x10010000
	vecInsn    = 0x10008000 // where instructions start unless a vector says at=
	vecData    = 0x20000000
	vecStack   = 0x30000000

	vecCompared = cpu.FlagCF | cpu.FlagPF | cpu.FlagAF | cpu.FlagZF | cpu.FlagSF | cpu.FlagOF | cpu.FlagDF
)

type vchunk struct {
	addr uint32
	b    []byte
}

// vfpu is the x87/SSE part of a vector: fields present in the record.
type vfpu struct {
	set   uint64 // bit per field (see fpuKeys)
	fcw   uint16
	fsw   uint16
	ftw   uint8
	st    [8]fpu.F80
	mxcsr uint32
	xmm   [8][2]uint64
}

var fpuKeys = []string{"fcw", "fsw", "ftw", "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7", "mxcsr",
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7"}

type vector struct {
	line int
	form string
	code []byte
	at   uint32 // instruction address (vecInsn unless the vector says at=)

	regs   [8]uint32
	flags  uint32
	fsBase uint32
	mem    []vchunk
	fin    vfpu

	outRegs  [8]uint32
	outFlags uint32
	eip      uint32
	exc      string
	addr     uint32
	acc      byte
	memOut   []vchunk
	fout     vfpu
	undef    uint32
	undefReg uint8
	undefSW  uint16 // x87 status-word bits not compared
	ulp      uint64 // x87 register results may differ by this many units in the last place
}

var regIndex = map[string]int{"eax": 0, "ecx": 1, "edx": 2, "ebx": 3, "esp": 4, "ebp": 5, "esi": 6, "edi": 7}

func parseHex32(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 16, 32)
	return uint32(v), err
}

// parseFPU handles an x87/SSE key; ok is false if k is not one.
func (f *vfpu) parse(k, v string) (ok bool, err error) {
	idx := -1
	for i, n := range fpuKeys {
		if n == k {
			idx = i
		}
	}
	if idx < 0 {
		return false, nil
	}
	f.set |= 1 << idx
	switch {
	case k == "fcw", k == "fsw":
		x, err := strconv.ParseUint(v, 16, 16)
		if k == "fcw" {
			f.fcw = uint16(x)
		} else {
			f.fsw = uint16(x)
		}
		return true, err
	case k == "ftw":
		x, err := strconv.ParseUint(v, 16, 8)
		f.ftw = uint8(x)
		return true, err
	case k == "mxcsr":
		x, err := parseHex32(v)
		f.mxcsr = x
		return true, err
	case strings.HasPrefix(k, "st"):
		if len(v) != 20 {
			return true, fmt.Errorf("%s: want 20 hex digits", k)
		}
		se, err1 := strconv.ParseUint(v[:4], 16, 16)
		m, err2 := strconv.ParseUint(v[4:], 16, 64)
		if err1 != nil || err2 != nil {
			return true, fmt.Errorf("%s: bad value", k)
		}
		f.st[k[2]-'0'] = fpu.F80{Mant: m, SE: uint16(se)}
		return true, nil
	default: // xmmN
		if len(v) != 32 {
			return true, fmt.Errorf("%s: want 32 hex digits", k)
		}
		hi, err1 := strconv.ParseUint(v[:16], 16, 64)
		lo, err2 := strconv.ParseUint(v[16:], 16, 64)
		if err1 != nil || err2 != nil {
			return true, fmt.Errorf("%s: bad value", k)
		}
		f.xmm[k[3]-'0'] = [2]uint64{lo, hi}
		return true, nil
	}
}

func parseVector(line string, n int) (*vector, error) {
	parts := strings.Split(line, "|")
	if len(parts) != 3 {
		return nil, fmt.Errorf("want 3 sections separated by '|'")
	}
	head := strings.Fields(parts[0])
	if len(head) != 2 {
		return nil, fmt.Errorf("want 'form code' before the first '|'")
	}
	code, err := hex.DecodeString(head[1])
	if err != nil || len(code) == 0 || len(code) > 15 {
		return nil, fmt.Errorf("bad code %q", head[1])
	}
	v := &vector{line: n, form: head[0], code: code, at: vecInsn}
	for _, f := range strings.Fields(parts[1]) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("input field %q: no '='", f)
		}
		if err := v.field(k, val, true); err != nil {
			return nil, err
		}
	}
	if v.at < vecCode || v.at >= vecCodeEnd {
		return nil, fmt.Errorf("instruction address %08x outside the code area", v.at)
	}
	v.outRegs, v.outFlags, v.eip = v.regs, v.flags, v.at+uint32(len(code))
	for _, f := range strings.Fields(parts[2]) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("output field %q: no '='", f)
		}
		if err := v.field(k, val, false); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *vector) field(k, val string, in bool) error {
	if r, ok := regIndex[k]; ok {
		x, err := parseHex32(val)
		if in {
			v.regs[r] = x
		} else {
			v.outRegs[r] = x
		}
		return err
	}
	f := &v.fout
	if in {
		f = &v.fin
	}
	if ok, err := f.parse(k, val); ok {
		return err
	}
	if k[0] == 'm' && len(k) == 9 {
		a, err := parseHex32(k[1:])
		if err != nil {
			return err
		}
		b, err := hex.DecodeString(val)
		if err != nil {
			return err
		}
		if in {
			v.mem = append(v.mem, vchunk{a, b})
		} else {
			v.memOut = append(v.memOut, vchunk{a, b})
		}
		return nil
	}
	var err error
	var x uint32
	switch k {
	case "fl":
		x, err = parseHex32(val)
		if in {
			v.flags = x
		} else {
			v.outFlags = x
		}
	case "eip":
		v.eip, err = parseHex32(val)
	case "at":
		v.at, err = parseHex32(val)
	case "fsbase":
		v.fsBase, err = parseHex32(val)
	case "exc":
		v.exc = val
	case "addr":
		v.addr, err = parseHex32(val)
	case "acc":
		v.acc = val[0]
	case "u":
		v.undef, err = parseHex32(val)
	case "ur":
		x, err = parseHex32(val)
		v.undefReg = uint8(x)
	case "ulp":
		x, err = parseHex32(val)
		v.ulp = uint64(x)
	case "usw":
		x, err = parseHex32(val)
		v.undefSW = uint16(x)
	default:
		return fmt.Errorf("unknown field %q", k)
	}
	return err
}

func loadVectors(path string) ([]*vector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var vs []*vector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		v, err := parseVector(l, n)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		vs = append(vs, v)
	}
	return vs, sc.Err()
}

// fpuView is the x87/SSE state as the vectors describe it: x87 registers in
// stack order (ST(i)), the full status word (with TOP), the abridged tag byte.
type fpuView struct {
	cw, sw uint16
	ftw    uint8
	st     [8]fpu.F80
	mxcsr  uint32
	xmm    [8][2]uint64
}

// defaultFPUView is the state the generator starts every case from (Windows' thread start).
func defaultFPUView() fpuView { return fpuView{cw: fpu.CWWindows, mxcsr: fpu.MXCSRDefault} }

// apply overlays the fields present in f.
func (w *fpuView) apply(f *vfpu) {
	has := func(k int) bool { return f.set&(1<<k) != 0 }
	if has(0) {
		w.cw = f.fcw
	}
	if has(1) {
		w.sw = f.fsw
	}
	if has(2) {
		w.ftw = f.ftw
	}
	for i := 0; i < 8; i++ {
		if has(3 + i) {
			w.st[i] = f.st[i]
		}
	}
	if has(11) {
		w.mxcsr = f.mxcsr
	}
	for i := 0; i < 8; i++ {
		if has(12 + i) {
			w.xmm[i] = f.xmm[i]
		}
	}
}

// state converts the view to the interpreter's representation.
func (w *fpuView) state() fpu.State {
	var s fpu.State
	s.Reset()
	s.CW = w.cw
	s.SetStatusWord(w.sw)
	s.Valid = w.ftw
	for i := 0; i < 8; i++ {
		s.R[(int(s.Top)+i)&7] = w.st[i]
	}
	s.MXCSR = w.mxcsr
	s.XMM = w.xmm
	return s
}

// viewOf reads the interpreter's state in the vectors' terms.
func viewOf(s *fpu.State) fpuView {
	w := fpuView{cw: s.CW, sw: s.StatusWord(), ftw: s.Valid, mxcsr: s.MXCSR, xmm: s.XMM}
	for i := 0; i < 8; i++ {
		w.st[i] = s.ST(i)
	}
	return w
}

// vecMachine maps the generator's three pages in a fresh address space.
func vecMachine(v *vector) (*cpu.CPU, error) {
	sp := mm.NewMachine(1 << 24).NewSpace()
	// The code pages the instruction occupies (never past vecCodeEnd: an
	// instruction straddling it must fault there), the data and stack pages.
	first, last := v.at&^(mm.PageSize-1), (v.at+uint32(len(v.code))-1)&^(mm.PageSize-1)
	if last >= vecCodeEnd {
		last = first
	}
	for _, r := range []struct {
		base, page, size uint32
		prot             mm.Prot
	}{
		{vecCode, first, last - first + mm.PageSize, mm.ProtRead | mm.ProtExec},
		{vecData, vecData, mm.PageSize, mm.ProtRead | mm.ProtWrite},
		{vecStack, vecStack, mm.PageSize, mm.ProtRead | mm.ProtWrite},
	} {
		if _, err := sp.Reserve(r.base, 0x10000, mm.ProtRead|mm.ProtWrite|mm.ProtExec, mm.TypePrivate, false); err != nil {
			return nil, err
		}
		if err := sp.Commit(r.page, r.size, r.prot); err != nil {
			return nil, err
		}
	}
	code := make([]byte, last-first+mm.PageSize)
	for i := range code {
		code[i] = 0xcc
	}
	copy(code[v.at-first:], v.code) // clipped at the end of the committed pages
	if err := sp.WriteBytes(first, code, mm.AccessWrite|mm.AccessForce); err != nil {
		return nil, err
	}
	for _, c := range v.mem {
		if err := sp.WriteBytes(c.addr, c.b, mm.AccessWrite); err != nil {
			return nil, err
		}
	}
	c := cpu.New(sp, nil)
	c.Regs = v.regs
	c.EIP = v.at
	c.FSBase = v.fsBase
	c.SetFlags(v.flags | 0x202)
	w := defaultFPUView()
	w.apply(&v.fin)
	c.FPU = w.state()
	return c, nil
}

var excKinds = map[string][]cpu.ExceptionKind{
	"DE": {cpu.DivideError},
	"UD": {cpu.InvalidOpcode},
	"PF": {cpu.AccessViolation},
	"BP": {cpu.Breakpoint},
	"DB": {cpu.SingleStep},
	"OF": {cpu.Overflow},
	"BR": {cpu.BoundRange},
	"GP": {cpu.Privileged, cpu.GeneralProtection},
	"MF": {cpu.FPUError},
	"XM": {cpu.SIMDError},
}

// runVector executes v and returns a description of every mismatch (empty: pass).
func runVector(v *vector) (diffs []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			diffs = append(diffs, fmt.Sprintf("PANIC: %v", r))
		}
	}()
	c, err := vecMachine(v)
	if err != nil {
		return nil, err
	}
	// REP string instructions may execute one iteration per Step: step until
	// EIP leaves the instruction, a fault, or a bound.
	stop := cpu.StopBudget
	for i := 0; i < 1000; i++ {
		stop = c.Step()
		if stop != cpu.StopBudget || c.EIP != v.at {
			break
		}
	}
	// An execute fault at a branch target is reported by the hardware with
	// the branch done; the interpreter faults when it fetches there.
	if stop == cpu.StopBudget && v.exc == "PF" && v.acc == 'x' && c.EIP == v.addr {
		stop = c.Step()
	}
	d := func(format string, a ...any) { diffs = append(diffs, fmt.Sprintf(format, a...)) }

	if v.exc != "" {
		e := c.Exception()
		if stop != cpu.StopFault && !(v.exc == "DB" && stop == cpu.StopSingleStep) {
			d("want exception %s, got stop %v", v.exc, stop)
		} else {
			ok := false
			for _, k := range excKinds[v.exc] {
				ok = ok || e.Kind == k
			}
			if !ok {
				d("exception: want %s, got %v", v.exc, e.Kind)
			}
			wantEIP := v.eip
			switch v.exc {
			case "BP": // Windows backs the trap EIP up by one: the CC itself, the 03 of CD 03
				wantEIP = v.eip - 1
			case "OF": // Windows reports the instruction
				wantEIP = v.at
			}
			if e.EIP != wantEIP {
				d("exception EIP: want %08x, got %08x", wantEIP, e.EIP)
			}
			if v.exc == "PF" {
				acc := map[byte]mm.Access{'r': mm.AccessRead, 'w': mm.AccessWrite, 'x': mm.AccessExec}[v.acc]
				if e.Addr != v.addr || e.Access != acc {
					d("access violation: want addr %08x access %c, got %08x %v", v.addr, v.acc, e.Addr, e.Access)
				}
			}
		}
	} else {
		if stop != cpu.StopBudget {
			d("stop: want completion, got %v (%v at %08x)", stop, c.Exception().Kind, c.Exception().EIP)
		}
		if c.EIP != v.eip {
			d("eip: want %08x, got %08x", v.eip, c.EIP)
		}
	}
	names := [8]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"}
	for i := range c.Regs {
		if v.undefReg&(1<<i) == 0 && c.Regs[i] != v.outRegs[i] {
			d("%s: want %08x, got %08x (in %08x)", names[i], v.outRegs[i], c.Regs[i], v.regs[i])
		}
	}
	if fl := c.Flags(); (fl^v.outFlags)&vecCompared&^v.undef != 0 {
		d("flags: want %s, got %s (in %s, undefined %s)", flagStr(v.outFlags), flagStr(fl&vecCompared), flagStr(v.flags), flagStr(v.undef))
	}
	// Memory: both pages must equal the input with the output chunks applied.
	for _, page := range []uint32{vecData, vecStack} {
		want := make([]byte, mm.PageSize)
		for _, set := range [][]vchunk{v.mem, v.memOut} {
			for _, ch := range set {
				for i, b := range ch.b {
					if a := ch.addr + uint32(i); a-page < mm.PageSize {
						want[a-page] = b
					}
				}
			}
		}
		got := make([]byte, mm.PageSize)
		if err := c.Mem.ReadBytes(page, got, mm.AccessRead|mm.AccessForce); err != nil {
			return nil, err
		}
		for i := 0; i < mm.PageSize; i++ {
			if got[i] != want[i] {
				j := i
				for j < mm.PageSize && j < i+16 && got[j] != want[j] {
					j++
				}
				d("memory %08x: want %x, got %x", page+uint32(i), want[i:j], got[i:j])
				i = j
			}
		}
	}
	if v.fin.set != 0 || v.fout.set != 0 {
		want := defaultFPUView()
		want.apply(&v.fin)
		want.apply(&v.fout)
		diffs = append(diffs, fpuDiff(&want, viewOf(&c.FPU), v.undefSW, v.ulp)...)
	}
	return diffs, nil
}

// fpuDiff compares the architecturally visible x87/SSE state.
func fpuDiff(want *fpuView, got fpuView, undefSW uint16, ulp uint64) []string {
	var ds []string
	if want.cw != got.cw {
		ds = append(ds, fmt.Sprintf("fcw: want %04x, got %04x", want.cw, got.cw))
	}
	if (want.sw^got.sw)&^undefSW != 0 {
		ds = append(ds, fmt.Sprintf("fsw: want %04x, got %04x (undefined %04x)", want.sw, got.sw, undefSW))
	}
	if want.ftw != got.ftw {
		ds = append(ds, fmt.Sprintf("ftw (abridged): want %02x, got %02x", want.ftw, got.ftw))
	}
	for i := 0; i < 8; i++ {
		if w, g := want.st[i], got.st[i]; w != g && !withinULP(w, g, ulp) {
			ds = append(ds, fmt.Sprintf("st%d: want %04x%016x, got %04x%016x", i, w.SE, w.Mant, g.SE, g.Mant))
		}
	}
	if want.mxcsr != got.mxcsr {
		ds = append(ds, fmt.Sprintf("mxcsr: want %08x, got %08x", want.mxcsr, got.mxcsr))
	}
	for i := 0; i < 8; i++ {
		if want.xmm[i] != got.xmm[i] {
			ds = append(ds, fmt.Sprintf("xmm%d: want %016x%016x, got %016x%016x", i,
				want.xmm[i][1], want.xmm[i][0], got.xmm[i][1], got.xmm[i][0]))
		}
	}
	return ds
}

// withinULP reports whether two finite extended values of the same sign are at
// most n units in the last place apart (including across a binade boundary).
func withinULP(a, b fpu.F80, n uint64) bool {
	if n == 0 || a.SE&0x8000 != b.SE&0x8000 || a.SE&0x7fff == 0x7fff || b.SE&0x7fff == 0x7fff {
		return false
	}
	ea, eb := a.SE&0x7fff, b.SE&0x7fff
	if ea < eb {
		a, b, ea, eb = b, a, eb, ea
	}
	switch {
	case ea == eb:
		d := a.Mant - b.Mant
		if b.Mant > a.Mant {
			d = b.Mant - a.Mant
		}
		return d <= n
	case ea == eb+1 && eb != 0: // a just above 2^k, b just below
		up := a.Mant - 1<<63 // steps of a above the boundary
		down := ^b.Mant + 1  // steps of b below the boundary (in b's ulps)
		return up <= n && down <= n && up+down <= n
	}
	return false
}

func flagStr(f uint32) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%04x[", f&vecCompared)
	for _, x := range []struct {
		bit  uint32
		name byte
	}{{cpu.FlagOF, 'O'}, {cpu.FlagDF, 'D'}, {cpu.FlagSF, 'S'}, {cpu.FlagZF, 'Z'}, {cpu.FlagAF, 'A'}, {cpu.FlagPF, 'P'}, {cpu.FlagCF, 'C'}} {
		if f&x.bit != 0 {
			b.WriteByte(x.name)
		} else {
			b.WriteByte('-')
		}
	}
	b.WriteByte(']')
	return b.String()
}

type formStats struct {
	pass, fail int
	shown      []string
}

func TestVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(*vecDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files in %s (%v)", *vecDir, err)
	}
	total, passed := 0, 0
	for _, path := range files {
		group := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(group, func(t *testing.T) {
			vs, err := loadVectors(path)
			if err != nil {
				t.Fatal(err)
			}
			stats := map[string]*formStats{}
			var order []string
			fails := 0
			for _, v := range vs {
				if *vecForm != "" && !strings.Contains(v.form, *vecForm) {
					continue
				}
				st := stats[v.form]
				if st == nil {
					st = &formStats{}
					stats[v.form] = st
					order = append(order, v.form)
				}
				diffs, err := runVector(v)
				if err != nil {
					t.Fatalf("%s:%d: setting up: %v", path, v.line, err)
				}
				total++
				if len(diffs) == 0 {
					st.pass++
					passed++
					continue
				}
				st.fail++
				fails++
				if len(st.shown) < *vecMaxFail {
					st.shown = append(st.shown, fmt.Sprintf("%s:%d %s % x\n\t%s", filepath.Base(path), v.line, v.form, v.code,
						strings.Join(diffs, "\n\t")))
				}
			}
			sort.Strings(order)
			if testing.Verbose() {
				for _, f := range order {
					st := stats[f]
					mark := "ok  "
					if st.fail > 0 {
						mark = "FAIL"
					}
					t.Logf("%s %-44s %4d/%-4d", mark, f, st.pass, st.pass+st.fail)
				}
			}
			t.Logf("group %s: %d/%d vectors pass", group, len(vs)-fails, len(vs))
			if fails == 0 {
				return
			}
			var msg strings.Builder
			nf := 0
			for _, f := range order {
				if st := stats[f]; st.fail > 0 {
					nf++
					fmt.Fprintf(&msg, "\n%s: %d of %d fail\n\t%s", f, st.fail, st.pass+st.fail, strings.Join(st.shown, "\n\t"))
				}
			}
			if why, ok := pendingGroups[group]; ok {
				t.Logf("failures:%s", msg.String()) // shown with -v
				t.Skipf("pending (%s): %d of %d vectors fail in %d forms", why, fails, len(vs), nf)
			}
			t.Errorf("%d of %d vectors fail in %d forms:%s", fails, len(vs), nf, msg.String())
		})
	}
	t.Logf("all groups: %d/%d vectors pass", passed, total)
}

func TestWithinULP(t *testing.T) {
	one := fpu.F80{Mant: 1 << 63, SE: 0x3fff}
	below := fpu.F80{Mant: ^uint64(0), SE: 0x3ffe} // the largest value below 1
	tests := []struct {
		a, b fpu.F80
		n    uint64
		want bool
	}{
		{one, one, 0, false}, // n == 0: exact comparison is the caller's job
		{one, fpu.F80{Mant: 1<<63 + 1, SE: 0x3fff}, 1, true},
		{one, fpu.F80{Mant: 1<<63 + 2, SE: 0x3fff}, 1, false},
		{one, below, 1, true},
		{fpu.F80{Mant: 1<<63 + 1, SE: 0x3fff}, below, 1, false},
		{one, fpu.F80{Mant: 1 << 63, SE: 0xbfff}, 1, false}, // different signs
		{fpu.PosInf, fpu.F80{Mant: ^uint64(0), SE: 0x7ffe}, 1, false},
	}
	for _, tt := range tests {
		if got := withinULP(tt.a, tt.b, tt.n); got != tt.want {
			t.Errorf("withinULP(%v, %v, %d) = %v, want %v", tt.a, tt.b, tt.n, got, tt.want)
		}
	}
}
