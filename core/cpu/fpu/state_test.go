package fpu

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestState_StoreEnvMatchesHardware compares FNSTENV after "fninit; fld1; fldz; fldpi" with the
// bytes the real CPU stored (instruction pointer zeroed on both sides).
func TestState_StoreEnvMatchesHardware(t *testing.T) {
	var s State
	s.Reset()
	s.Init()
	e := s.Env()
	s.Push(One)
	s.Push(PosZero)
	s.Push(e.LoadConstant(ConstPi))
	var got [EnvSize]byte
	s.StoreEnv(got[:])
	want := unhex("7f03ffff 0028ffff ff13ffff 00000000 00000000 00000000 0000ffff")
	if !bytes.Equal(got[:], want) {
		t.Errorf("FNSTENV image\n got %x\nwant %x", got, want)
	}
}

// TestState_FXSaveMatchesHardware compares FXSAVE after "fninit; fld1; fldz".
func TestState_FXSaveMatchesHardware(t *testing.T) {
	var s State
	s.Reset()
	s.Init()
	s.Push(One)
	s.Push(PosZero)
	var got [FXSaveSize]byte
	for i := range got {
		got[i] = 0xAA
	}
	s.FXSave(got[:])
	want := unhex("7f030030 c0000000 00000000 00000000 00000000 00000000 801f0000 ffff0000" +
		"00000000 00000000 00000000 00000000 00000000 00000080 ff3f0000 00000000")
	if !bytes.Equal(got[:64], want) {
		t.Errorf("FXSAVE image\n got %x\nwant %x", got[:64], want)
	}
	if got[464] != 0xAA {
		t.Errorf("FXSAVE wrote the reserved area")
	}
	var r State
	if !r.FXRestore(got[:]) || r.ST(0) != PosZero || r.ST(1) != One || r.Top != s.Top || r.Valid != s.Valid ||
		r.MXCSR != MXCSRDefault {
		t.Errorf("FXRSTOR did not restore the state: %+v", r)
	}
	got[24] = 0xFF
	got[26] = 0x01 // MXCSR bit 16: reserved
	if r.FXRestore(got[:]) {
		t.Errorf("FXRSTOR accepted reserved MXCSR bits")
	}
}

func TestState_SaveRestoreRoundTrip(t *testing.T) {
	var s State
	s.Reset()
	s.Push(One)
	s.Push(NegInf)
	s.Push(F80{Mant: 1, SE: 0}) // denormal: tag special
	s.SW |= uint16(FlagInexact)
	var img [SaveSize]byte
	orig := s
	s.Save(img[:])
	if s.Valid != 0 || s.CW != CWInit {
		t.Errorf("FNSAVE did not reinitialize: valid %#x cw %#x", s.Valid, s.CW)
	}
	if tw := uint16(img[8]) | uint16(img[9])<<8; tw != 0x2BFF {
		t.Errorf("tag word %#04x, want 0x2bff (R7 valid, R6 and R5 special, R0..R4 empty)", tw)
	}
	s.Restore(img[:])
	for i := 0; i < 3; i++ {
		if s.ST(i) != orig.ST(i) {
			t.Errorf("ST(%d) = %v, want %v", i, s.ST(i), orig.ST(i))
		}
	}
	if s.StatusWord() != orig.StatusWord() || s.Valid != orig.Valid || s.CW != orig.CW {
		t.Errorf("restored sw %#x valid %#x cw %#x, want %#x %#x %#x", s.StatusWord(), s.Valid, s.CW,
			orig.StatusWord(), orig.Valid, orig.CW)
	}
}

func TestState_MMXAliasing(t *testing.T) {
	var s State
	s.Reset()
	s.Top = 5
	s.EnterMMX()
	s.SetMM(3, 0x0123456789ABCDEF)
	if s.Top != 0 || s.Valid != 0xFF || s.R[3] != (F80{Mant: 0x0123456789ABCDEF, SE: 0xFFFF}) {
		t.Errorf("after MMX write: top %d valid %#x R3 %v", s.Top, s.Valid, s.R[3])
	}
	if s.ST(3).Mant != s.MM(3) {
		t.Errorf("ST(3) does not alias MM3 with TOP=0")
	}
	s.EMMS()
	if s.TagWord() != 0xFFFF {
		t.Errorf("tag word after EMMS %#x", s.TagWord())
	}
}

func TestState_PendingException(t *testing.T) {
	var s State
	s.Reset()
	s.SetControlWord(0x027E) // IE unmasked
	e := s.Env()
	e.Sqrt(One.Neg())
	if s.Masked(&e) {
		t.Fatalf("IE should be unmasked")
	}
	s.Merge(&e)
	if !s.Pending() || s.StatusWord()&(SWErrSummary|SWBusy) != SWErrSummary|SWBusy {
		t.Errorf("status %#x: ES/B not set", s.StatusWord())
	}
	s.SetControlWord(0x027F) // masking it clears ES
	if s.Pending() {
		t.Errorf("still pending after masking")
	}
}
