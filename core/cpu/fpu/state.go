package fpu

import "encoding/binary"

// x87 status-word bits beyond the exception flags.
const (
	SWStackFault uint16 = 1 << 6  // SF
	SWErrSummary uint16 = 1 << 7  // ES
	SWC0         uint16 = 1 << 8  // condition code C0
	SWC1         uint16 = 1 << 9  // C1
	SWC2         uint16 = 1 << 10 // C2
	SWC3         uint16 = 1 << 14 // C3
	SWBusy       uint16 = 1 << 15 // B (mirrors ES)
	swTopMask    uint16 = 7 << 11
)

// Defaults.
const (
	// CWWindows is the control word a Windows thread starts with: all exceptions masked,
	// 53-bit precision, round to nearest.
	CWWindows uint16 = 0x027F
	// CWInit is the control word after FNINIT: all masked, 64-bit precision, round to nearest.
	CWInit uint16 = 0x037F
	// MXCSRDefault is MXCSR at thread start: all exceptions masked, round to nearest.
	MXCSRDefault uint32 = 0x1F80
	// MXCSRMask is the set of writable MXCSR bits (FXSAVE's MXCSR_MASK on this CPU family).
	MXCSRMask uint32 = 0xFFFF
)

// MXCSR bits.
const (
	MXCSRDAZ uint32 = 1 << 6
	MXCSRFZ  uint32 = 1 << 15
)

// Tag values of the full x87 tag word.
const (
	TagValid   = 0
	TagZero    = 1
	TagSpecial = 2
	TagEmpty   = 3
)

// State is the x87, MMX and SSE register state of one thread. It is a plain value: copying it
// copies the state (the CPU context does exactly that on thread switches and for SEH).
type State struct {
	R     [8]F80 // physical registers R0..R7; ST(i) is R[(Top+i)&7]; MMi is R[i].Mant
	CW    uint16 // control word
	SW    uint16 // status word without the TOP field (see StatusWord)
	Top   uint8  // stack top, 0..7
	Valid uint8  // abridged tag word: bit i set when R[i] is not empty
	FOP   uint16 // last non-control instruction's opcode (11 bits)
	FIP   uint32 // last non-control instruction's address
	FDP   uint32 // its memory operand's address
	FCS   uint16 // selectors (stored as 0, as CPUs with deprecated FCS/FDS do)
	FDS   uint16

	XMM   [8][2]uint64 // XMM registers: [0] is bits 0..63, [1] bits 64..127
	MXCSR uint32
}

// Reset puts the state as Windows starts a thread: FNINIT with control word 0x027F and MXCSR 0x1F80.
func (s *State) Reset() {
	*s = State{}
	s.Init()
	s.CW = CWWindows
	s.MXCSR = MXCSRDefault
}

// Init performs FNINIT: control word 0x037F, status 0, all registers empty, pointers cleared.
// The register contents and the SSE state are left alone.
func (s *State) Init() {
	s.CW = CWInit
	s.SW = 0
	s.Top = 0
	s.Valid = 0
	s.FOP, s.FIP, s.FDP, s.FCS, s.FDS = 0, 0, 0, 0, 0
}

// StatusWord returns the full status word with TOP in bits 11..13.
func (s *State) StatusWord() uint16 { return s.SW&^swTopMask | uint16(s.Top)<<11 }

// SetStatusWord loads a full status word (FLDENV/FRSTOR); ES and B follow the flags and masks.
func (s *State) SetStatusWord(w uint16) {
	s.Top = uint8(w>>11) & 7
	s.SW = w &^ swTopMask
	s.updateES()
}

// SetControlWord loads the control word (FLDCW); ES and B follow the new masks.
func (s *State) SetControlWord(w uint16) {
	s.CW = w | 0x40 // bit 6 reads as 1
	s.CW &^= 0xE080 // reserved bits read as 0 (bit 12 "infinity control" is kept)
	s.updateES()
}

// updateES recomputes the error-summary and busy bits from the flags and masks.
func (s *State) updateES() {
	if uint16(FlagsAll)&s.SW&^s.CW != 0 {
		s.SW |= SWErrSummary | SWBusy
	} else {
		s.SW &^= SWErrSummary | SWBusy
	}
}

// Pending reports whether an unmasked x87 exception is pending (ES set): the next waiting x87
// instruction must raise #MF instead of executing.
func (s *State) Pending() bool { return s.SW&SWErrSummary != 0 }

// phys returns the physical register number of ST(i).
func (s *State) phys(i int) int { return (int(s.Top) + i) & 7 }

// ST returns ST(i) (whatever is in the register, even if it is tagged empty).
func (s *State) ST(i int) F80 { return s.R[s.phys(i)] }

// SetST writes ST(i) and tags it valid.
func (s *State) SetST(i int, v F80) {
	p := s.phys(i)
	s.R[p] = v
	s.Valid |= 1 << p
}

// Empty reports whether ST(i) is tagged empty.
func (s *State) Empty(i int) bool { return s.Valid&(1<<s.phys(i)) == 0 }

// Free tags ST(i) empty (FFREE).
func (s *State) Free(i int) { s.Valid &^= 1 << s.phys(i) }

// IncTop and DecTop rotate the stack (FINCSTP/FDECSTP); they do not change tags.
func (s *State) IncTop() { s.Top = (s.Top + 1) & 7 }

// DecTop decrements TOP.
func (s *State) DecTop() { s.Top = (s.Top - 1) & 7 }

// Pop tags ST(0) empty and increments TOP.
func (s *State) Pop() {
	s.Valid &^= 1 << s.Top
	s.Top = (s.Top + 1) & 7
}

// CanPush reports whether a push would not overflow the stack (ST(7) is empty).
func (s *State) CanPush() bool { return s.Empty(7) }

// Push decrements TOP and stores v in the new ST(0). The caller checks CanPush first and, on
// overflow, calls StackFault(true) and (when IE is masked) pushes Indefinite.
func (s *State) Push(v F80) {
	s.Top = (s.Top - 1) & 7
	s.R[s.Top] = v
	s.Valid |= 1 << s.Top
}

// StackFault records a stack overflow (overflow=true, C1=1) or underflow (C1=0): IE and SF.
// It reports whether the invalid-operation exception is masked (the instruction then continues
// with the real indefinite as its result).
func (s *State) StackFault(overflow bool) bool {
	s.SW |= uint16(FlagInvalid) | SWStackFault
	if overflow {
		s.SW |= SWC1
	} else {
		s.SW &^= SWC1
	}
	s.updateES()
	return s.CW&uint16(FlagInvalid) != 0
}

// Env returns the x87 environment for one arithmetic instruction, from the control word.
func (s *State) Env() Env {
	return Env{
		Round: Rounding(s.CW>>10) & 3,
		Prec:  Precision(s.CW>>8) & 3,
		Masks: Flags(s.CW) & FlagsAll,
		X87:   true,
	}
}

// Masked reports whether every flag raised in e is masked in the control word. When it is not,
// the x87 instruction must leave its destination unchanged for IE, DE and ZE (OE and UE deliver
// the wrapped result); the caller then calls Merge, which sets ES so the next waiting
// instruction faults.
func (s *State) Masked(e *Env) bool { return uint16(e.Flags)&^s.CW&uint16(FlagsAll) == 0 }

// Merge ORs the flags raised in e into the status word and sets C1 from the rounding direction
// (C1 is cleared unless PE was raised by a round-up), then updates ES.
func (s *State) Merge(e *Env) {
	s.SW |= uint16(e.Flags)
	if e.Flags&FlagInexact != 0 && e.RoundedUp {
		s.SW |= SWC1
	} else {
		s.SW &^= SWC1
	}
	s.updateES()
}

// MergeFlags ORs the flags raised in e into the status word and updates ES, leaving C1 alone
// (for instructions that do not define C1, such as FCOMI).
func (s *State) MergeFlags(e *Env) {
	s.SW |= uint16(e.Flags)
	s.updateES()
}

// Tag computes the full two-bit tag of physical register p from its contents.
func (s *State) Tag(p int) int {
	if s.Valid&(1<<p) == 0 {
		return TagEmpty
	}
	switch s.R[p].Class() {
	case ClassZero:
		return TagZero
	case ClassNormal:
		return TagValid
	}
	return TagSpecial
}

// TagWord returns the full tag word (two bits per physical register).
func (s *State) TagWord() uint16 {
	var w uint16
	for p := 0; p < 8; p++ {
		w |= uint16(s.Tag(p)) << (2 * p)
	}
	return w
}

// SetTagWord loads a full tag word: a register is empty when its tag is 3 and valid otherwise.
func (s *State) SetTagWord(w uint16) {
	s.Valid = 0
	for p := 0; p < 8; p++ {
		if w>>(2*p)&3 != TagEmpty {
			s.Valid |= 1 << p
		}
	}
}

// Sizes of the save areas.
const (
	EnvSize    = 28  // FSTENV/FLDENV, 32-bit protected mode
	SaveSize   = 108 // FSAVE/FRSTOR
	FXSaveSize = 512 // FXSAVE/FXRSTOR
	Env16Size  = 14  // FSTENV/FLDENV with a 16-bit operand size (66 prefix)
	Save16Size = 94  // FSAVE/FRSTOR with a 16-bit operand size
)

// StoreEnv16 writes the 14-byte 16-bit protected-mode environment (66 FNSTENV): control,
// status and tag words, then the low halves of the instruction and operand pointers with their
// selectors.
func (s *State) StoreEnv16(b []byte) {
	_ = b[Env16Size-1]
	le := binary.LittleEndian
	le.PutUint16(b[0:], s.CW)
	le.PutUint16(b[2:], s.StatusWord())
	le.PutUint16(b[4:], s.TagWord())
	le.PutUint16(b[6:], uint16(s.FIP))
	le.PutUint16(b[8:], s.FCS)
	le.PutUint16(b[10:], uint16(s.FDP))
	le.PutUint16(b[12:], s.FDS)
}

// LoadEnv16 reads a 14-byte 16-bit environment (66 FLDENV).
func (s *State) LoadEnv16(b []byte) {
	_ = b[Env16Size-1]
	le := binary.LittleEndian
	s.CW = (le.Uint16(b[0:]) | 0x40) &^ 0xE080
	s.SetStatusWord(le.Uint16(b[2:]))
	s.SetTagWord(le.Uint16(b[4:]))
	s.FIP = uint32(le.Uint16(b[6:]))
	s.FCS = le.Uint16(b[8:])
	s.FDP = uint32(le.Uint16(b[10:]))
	s.FDS = le.Uint16(b[12:])
	s.updateES()
}

// StoreSaveN writes an FSAVE image of the given size (SaveSize or Save16Size) without changing
// the state; RestoreN reads one.
func (s *State) StoreSaveN(b []byte, size int) {
	envSize := EnvSize
	if size == Save16Size {
		envSize = Env16Size
		s.StoreEnv16(b)
	} else {
		s.StoreEnv(b)
	}
	_ = b[envSize+79]
	for i := 0; i < 8; i++ {
		putF80(b[envSize+10*i:], s.ST(i))
	}
}

// RestoreN reads an FSAVE image of the given size (SaveSize or Save16Size).
func (s *State) RestoreN(b []byte, size int) {
	envSize := EnvSize
	if size == Save16Size {
		envSize = Env16Size
		s.LoadEnv16(b)
	} else {
		s.LoadEnv(b)
	}
	_ = b[envSize+79]
	for i := 0; i < 8; i++ {
		s.R[s.phys(i)] = getF80(b[envSize+10*i:])
	}
}

// StoreEnv writes the 28-byte protected-mode environment (FNSTENV) to b. The unused upper
// halves of the control, status and tag dwords read 0xFFFF, as on the hardware. The caller
// then masks all exceptions, as FNSTENV does.
func (s *State) StoreEnv(b []byte) {
	_ = b[EnvSize-1]
	le := binary.LittleEndian
	le.PutUint32(b[0:], 0xFFFF0000|uint32(s.CW))
	le.PutUint32(b[4:], 0xFFFF0000|uint32(s.StatusWord()))
	le.PutUint32(b[8:], 0xFFFF0000|uint32(s.TagWord()))
	le.PutUint32(b[12:], s.FIP)
	le.PutUint32(b[16:], uint32(s.FCS)|uint32(s.FOP&0x7FF)<<16)
	le.PutUint32(b[20:], s.FDP)
	le.PutUint32(b[24:], 0xFFFF0000|uint32(s.FDS))
}

// LoadEnv reads a 28-byte environment (FLDENV).
func (s *State) LoadEnv(b []byte) {
	_ = b[EnvSize-1]
	le := binary.LittleEndian
	s.CW = (le.Uint16(b[0:]) | 0x40) &^ 0xE080
	s.SetStatusWord(le.Uint16(b[4:]))
	s.SetTagWord(le.Uint16(b[8:]))
	s.FIP = le.Uint32(b[12:])
	s.FCS = le.Uint16(b[16:])
	s.FOP = le.Uint16(b[18:]) & 0x7FF
	s.FDP = le.Uint32(b[20:])
	s.FDS = le.Uint16(b[24:])
	s.updateES()
}

// putF80 and getF80 store an F80 in its 10-byte memory layout.
func putF80(b []byte, v F80) {
	binary.LittleEndian.PutUint64(b, v.Mant)
	binary.LittleEndian.PutUint16(b[8:], v.SE)
}

func getF80(b []byte) F80 {
	return F80{Mant: binary.LittleEndian.Uint64(b), SE: binary.LittleEndian.Uint16(b[8:])}
}

// PutF80 stores v in the 10-byte memory layout (FSTP m80).
func PutF80(b []byte, v F80) { putF80(b, v) }

// GetF80 loads a value from the 10-byte memory layout (FLD m80).
func GetF80(b []byte) F80 { return getF80(b) }

// Save writes the 108-byte FSAVE image to b and then reinitializes the FPU as FNSAVE does.
func (s *State) Save(b []byte) {
	s.StoreSave(b)
	s.Init()
}

// StoreSave writes the 108-byte FSAVE image to b without changing the state: the layout of the
// first 108 bytes of a Windows CONTEXT's FloatSave (FLOATING_SAVE_AREA); FXSave gives the
// layout of its ExtendedRegisters.
func (s *State) StoreSave(b []byte) {
	_ = b[SaveSize-1]
	s.StoreEnv(b)
	for i := 0; i < 8; i++ {
		putF80(b[EnvSize+10*i:], s.ST(i))
	}
}

// Restore reads a 108-byte FSAVE image (FRSTOR).
func (s *State) Restore(b []byte) {
	_ = b[SaveSize-1]
	s.LoadEnv(b)
	for i := 0; i < 8; i++ {
		s.R[s.phys(i)] = getF80(b[EnvSize+10*i:])
	}
}

// FXSave writes the 512-byte FXSAVE image to b (reserved areas are left as they are in b).
func (s *State) FXSave(b []byte) {
	_ = b[FXSaveSize-1]
	le := binary.LittleEndian
	le.PutUint16(b[0:], s.CW)
	le.PutUint16(b[2:], s.StatusWord())
	b[4] = s.Valid
	b[5] = 0
	le.PutUint16(b[6:], s.FOP&0x7FF)
	le.PutUint32(b[8:], s.FIP)
	le.PutUint16(b[12:], s.FCS)
	le.PutUint16(b[14:], 0)
	le.PutUint32(b[16:], s.FDP)
	le.PutUint16(b[20:], s.FDS)
	le.PutUint16(b[22:], 0)
	le.PutUint32(b[24:], s.MXCSR)
	le.PutUint32(b[28:], MXCSRMask)
	for i := 0; i < 8; i++ {
		o := 32 + 16*i
		putF80(b[o:], s.R[s.phys(i)])
		for j := o + 10; j < o+16; j++ {
			b[j] = 0
		}
	}
	for i := 0; i < 8; i++ {
		le.PutUint64(b[160+16*i:], s.XMM[i][0])
		le.PutUint64(b[168+16*i:], s.XMM[i][1])
	}
}

// FXRestore reads a 512-byte FXSAVE image. It reports false, changing nothing, when the MXCSR
// image sets reserved bits (the instruction then raises #GP).
func (s *State) FXRestore(b []byte) bool {
	_ = b[FXSaveSize-1]
	le := binary.LittleEndian
	mx := le.Uint32(b[24:])
	if mx&^MXCSRMask != 0 {
		return false
	}
	s.CW = le.Uint16(b[0:])
	s.SetStatusWord(le.Uint16(b[2:]))
	s.Valid = b[4]
	s.FOP = le.Uint16(b[6:]) & 0x7FF
	s.FIP = le.Uint32(b[8:])
	s.FCS = le.Uint16(b[12:])
	s.FDP = le.Uint32(b[16:])
	s.FDS = le.Uint16(b[20:])
	s.MXCSR = mx
	for i := 0; i < 8; i++ {
		s.R[s.phys(i)] = getF80(b[32+16*i:])
	}
	for i := 0; i < 8; i++ {
		s.XMM[i][0] = le.Uint64(b[160+16*i:])
		s.XMM[i][1] = le.Uint64(b[168+16*i:])
	}
	s.updateES()
	return true
}

// MM returns MMX register i (the significand of physical register R[i]).
func (s *State) MM(i int) uint64 { return s.R[i&7].Mant }

// SetMM writes MMX register i: the significand, with the exponent/sign field set to 0xFFFF.
func (s *State) SetMM(i int, v uint64) { s.R[i&7] = F80{Mant: v, SE: 0xFFFF} }

// EnterMMX performs the x87 side effects of every MMX instruction: TOP=0 and all tags valid.
func (s *State) EnterMMX() {
	s.Top = 0
	s.Valid = 0xFF
}

// EMMS tags every register empty.
func (s *State) EMMS() { s.Valid = 0 }

// SSEEnv returns the SSE environment for one instruction, from MXCSR.
func (s *State) SSEEnv() Env {
	return Env{
		Round: Rounding(s.MXCSR>>13) & 3,
		Prec:  Prec64,
		Masks: Flags(s.MXCSR>>7) & FlagsAll,
		DAZ:   s.MXCSR&MXCSRDAZ != 0,
		FTZ:   s.MXCSR&MXCSRFZ != 0,
		Fast:  FastSSE(s.MXCSR),
	}
}

// SSEUnmasked returns the flags raised in e that are unmasked in MXCSR (non-zero: the
// instruction must raise #XM and write nothing).
func (s *State) SSEUnmasked(e *Env) Flags { return e.Flags &^ Flags(s.MXCSR>>7) & FlagsAll }

// MergeSSE ORs the flags raised in e into MXCSR.
func (s *State) MergeSSE(e *Env) { s.MXCSR |= uint32(e.Flags & FlagsAll) }
