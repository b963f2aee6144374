package cpu

import "github.com/peek32/peek32/mm"

// Run executes up to budget instructions and returns why it stopped. It allocates nothing once the
// code it runs is translated. Run(0) returns StopBudget at once.
func (c *CPU) Run(budget uint64) StopReason {
	k := c.cache
	mem := c.Mem
	trace := c.Trace
	for budget > 0 {
		eip := c.EIP
		var b *block
		start := 0
		epoch := mem.GenEpoch()
		if r := c.resume; r != nil && !r.dead && c.resumeIdx < len(r.insts) && r.insts[c.resumeIdx].Addr == eip &&
			r.current(mem, epoch) {
			// Continue a block that the budget cut short, instead of translating one that starts here.
			b, start = r, c.resumeIdx
		} else {
			b = k.fast[fastSlot(eip)]
			if b == nil || b.start != eip || (b.epoch != epoch && !b.current(mem, epoch)) {
				b = k.lookup(c, eip)
			}
			if b.thunk {
				return StopThunk
			}
			if b.bp {
				if !c.skipBPSet || c.skipBP != eip {
					c.skipBP, c.skipBPSet = eip, true
					return StopBreakpoint
				}
			}
		}
		c.resume = nil
		c.skipBPSet = false
		insts := b.insts
		n := len(insts)
		single := c.flags&FlagTF != 0
		if single {
			n = start + 1
		}
		if uint64(n-start) > budget {
			n = start + int(budget)
		}
		if trace != nil {
			trace(eip, n-start)
		}
		c.EIP = b.end
		c.Count += uint64(n - start)
		run := insts[:n] // lets the compiler drop the bounds check below
		for i := start; uint(i) < uint(len(run)); i++ {
			in := &run[i]
			r := flowNext
			// The inline cases that can neither fault nor store end with continue: they skip the
			// fault and self-modification checks after the switch. The cases repeat the same
			// TLB-probe-then-accessor read and write on purpose: a helper taking the operation would
			// not inline (or would cost a call or closure per instruction), and this loop is where the
			// emulator spends its time.
			switch in.Fast {
			case fastNone:
				r = handlers[in.Op](c, in)
			case fastMovRR:
				c.Regs[in.Args[0].Reg&7] = c.Regs[in.Args[1].Reg&7]
				continue
			case fastMovRI:
				c.Regs[in.Args[0].Reg&7] = in.Imm
				continue
			case fastMovRM:
				addr := c.eaFlat(in)
				v, ok := mem.Read32TLB(addr) // inlined TLB hit; the full accessor on a miss
				if !ok {
					v, ok = mem.Read32(addr)
				}
				if ok {
					c.Regs[in.Args[0].Reg&7] = v
				} else {
					r = c.memFault()
				}
			case fastMovMR:
				addr, v := c.eaFlat(in), c.Regs[in.Args[1].Reg&7]
				if !mem.Write32TLB(addr, v) && !mem.Write32(addr, v) {
					r = c.memFault()
				}
			case fastMovMI:
				addr := c.eaFlat(in)
				if !mem.Write32TLB(addr, in.Imm) && !mem.Write32(addr, in.Imm) {
					r = c.memFault()
				}
			case fastCmpRM, fastAddRM:
				addr := c.eaFlat(in)
				v, ok := mem.Read32TLB(addr)
				if !ok {
					v, ok = mem.Read32(addr)
				}
				if ok {
					d := &c.Regs[in.Args[0].Reg&7]
					a := *d
					if in.Fast == fastCmpRM {
						c.setLazy4(lazySub, a, v, a-v)
					} else {
						*d = a + v
						c.setLazy4(lazyAdd, a, v, a+v)
					}
				} else {
					r = c.memFault()
				}
			case fastAddMR:
				addr := c.eaFlat(in)
				a, ok := mem.Read32TLB(addr)
				if !ok {
					a, ok = mem.Read32(addr)
				}
				if ok {
					v := c.Regs[in.Args[1].Reg&7]
					if mem.Write32TLB(addr, a+v) || mem.Write32(addr, a+v) {
						c.setLazy4(lazyAdd, a, v, a+v)
					} else {
						r = c.memFault()
					}
				} else {
					r = c.memFaultRMW()
				}
			case fastSubRM, fastAndRM, fastOrRM, fastXorRM:
				addr := c.eaFlat(in)
				v, ok := mem.Read32TLB(addr)
				if !ok {
					v, ok = mem.Read32(addr)
				}
				if ok {
					d := &c.Regs[in.Args[0].Reg&7]
					a := *d
					switch in.Fast {
					case fastSubRM:
						*d = a - v
						c.setLazy4(lazySub, a, v, a-v)
					case fastAndRM:
						*d = a & v
						c.setLogic4(a & v)
					case fastOrRM:
						*d = a | v
						c.setLogic4(a | v)
					default:
						*d = a ^ v
						c.setLogic4(a ^ v)
					}
				} else {
					r = c.memFault()
				}
			case fastCmpMR:
				addr := c.eaFlat(in)
				a, ok := mem.Read32TLB(addr)
				if !ok {
					a, ok = mem.Read32(addr)
				}
				if ok {
					v := c.Regs[in.Args[1].Reg&7]
					c.setLazy4(lazySub, a, v, a-v)
				} else {
					r = c.memFault()
				}
			case fastAddMI, fastSubMI:
				addr := c.eaFlat(in)
				a, ok := mem.Read32TLB(addr)
				if !ok {
					a, ok = mem.Read32(addr)
				}
				if ok {
					v, res, op := in.Imm, a+in.Imm, lazyAdd
					if in.Fast == fastSubMI {
						res, op = a-v, lazySub
					}
					if mem.Write32TLB(addr, res) || mem.Write32(addr, res) {
						c.setLazy4(op, a, v, res)
					} else {
						r = c.memFault()
					}
				} else {
					r = c.memFaultRMW()
				}
			case fastCmovRR:
				if c.cond(ccOf[in.Op]) {
					c.Regs[in.Args[0].Reg&7] = c.Regs[in.Args[1].Reg&7]
				}
				continue
			case fastCmpMI:
				addr := c.eaFlat(in)
				a, ok := mem.Read32TLB(addr)
				if !ok {
					a, ok = mem.Read32(addr)
				}
				if ok {
					c.setLazy4(lazySub, a, in.Imm, a-in.Imm)
				} else {
					r = c.memFault()
				}
			case fastPushI:
				sp := c.Regs[ESP] - 4
				if mem.Write32TLB(sp, in.Imm) || mem.Write32(sp, in.Imm) {
					c.Regs[ESP] = sp
				} else {
					r = c.memFault()
				}
			case fastAddRR, fastAddRI:
				d := &c.Regs[in.Args[0].Reg&7]
				v := in.Imm
				if in.Fast == fastAddRR {
					v = c.Regs[in.Args[1].Reg&7]
				}
				a := *d
				*d = a + v
				c.setLazy4(lazyAdd, a, v, a+v)
				continue
			case fastSubRR, fastSubRI, fastCmpRR, fastCmpRI:
				d := &c.Regs[in.Args[0].Reg&7]
				v := in.Imm
				if in.Fast == fastSubRR || in.Fast == fastCmpRR {
					v = c.Regs[in.Args[1].Reg&7]
				}
				a := *d
				if in.Fast <= fastSubRI {
					*d = a - v
				}
				c.setLazy4(lazySub, a, v, a-v)
				continue
			case fastAndRR, fastAndRI, fastTestRR, fastTestRI:
				d := &c.Regs[in.Args[0].Reg&7]
				v := in.Imm
				if in.Fast == fastAndRR || in.Fast == fastTestRR {
					v = c.Regs[in.Args[1].Reg&7]
				}
				res := *d & v
				if in.Fast <= fastAndRI {
					*d = res
				}
				c.setLogic4(res)
				continue
			case fastOrRR, fastOrRI, fastXorRR, fastXorRI:
				d := &c.Regs[in.Args[0].Reg&7]
				v := in.Imm
				if in.Fast == fastOrRR || in.Fast == fastXorRR {
					v = c.Regs[in.Args[1].Reg&7]
				}
				var res uint32
				if in.Fast <= fastOrRI {
					res = *d | v
				} else {
					res = *d ^ v
				}
				*d = res
				c.setLogic4(res)
				continue
			case fastIncR, fastDecR:
				d := &c.Regs[in.Args[0].Reg&7]
				a := *d
				cin := b2u(c.cf())
				if in.Fast == fastIncR {
					*d = a + 1
					c.setLazy4(lazyInc, a, 1, a+1)
					c.lf.cin = cin
				} else {
					*d = a - 1
					c.setLazy4(lazyDec, a, 1, a-1)
					c.lf.cin = cin
				}
				continue
			case fastShlRI:
				d := &c.Regs[in.Args[0].Reg&7]
				a, cnt := *d, in.Imm&31
				res := a << cnt
				cf := a>>(32-cnt)&1 != 0
				*d = res
				c.setFlagsArith(szp(res, 4) | flagIf(cf, FlagCF) | flagIf((res>>31 != 0) != cf, FlagOF))
				continue
			case fastShrRI:
				d := &c.Regs[in.Args[0].Reg&7]
				a, cnt := *d, in.Imm&31
				res := a >> cnt
				*d = res
				c.setFlagsArith(szp(res, 4) | flagIf(a>>(cnt-1)&1 != 0, FlagCF) | flagIf(a>>31 != 0, FlagOF))
				continue
			case fastSarRI:
				d := &c.Regs[in.Args[0].Reg&7]
				sa, cnt := int32(*d), in.Imm&31
				res := uint32(sa >> cnt)
				*d = res
				c.setFlagsArith(szp(res, 4) | flagIf(sa>>(cnt-1)&1 != 0, FlagCF))
				continue
			case fastMovzxRR:
				c.Regs[in.Args[0].Reg&7] = c.getReg(in.Args[1].Reg, in.Args[1].Size)
				continue
			case fastMovzxRM, fastMovsxRM:
				addr := c.eaFlat(in)
				v, ok := mem.Read8TLB(addr)
				if !ok {
					v, ok = mem.Read8(addr)
				}
				if ok {
					if in.Fast == fastMovzxRM {
						c.Regs[in.Args[0].Reg&7] = uint32(v)
					} else {
						c.Regs[in.Args[0].Reg&7] = uint32(int32(int8(v)))
					}
				} else {
					r = c.memFault()
				}
			case fastMovM8R:
				addr, v := c.eaFlat(in), uint8(c.getReg(in.Args[1].Reg, 1))
				if !mem.Write8TLB(addr, v) && !mem.Write8(addr, v) {
					r = c.memFault()
				}
			case fastLea:
				c.Regs[in.Args[0].Reg&7] = c.eaFlat(in)
				continue
			case fastJcc:
				// Inline the common compare-and-branch cases; cond handles the rest.
				cc := ccOf[in.Op]
				var taken bool
				switch {
				case c.lf.op == lazySub && c.lf.size == 4 && cc >= 2 && cc <= 7:
					a, b := c.lf.a, c.lf.b
					switch cc {
					case 2:
						taken = a < b
					case 3:
						taken = a >= b
					case 4:
						taken = a == b
					case 5:
						taken = a != b
					case 6:
						taken = a <= b
					default:
						taken = a > b
					}
				case (c.lf.op == lazyLogic || c.lf.op == lazyDec || c.lf.op == lazyInc) && (cc == 4 || cc == 5):
					taken = (c.lf.res == 0) == (cc == 4)
				default:
					taken = c.cond(cc)
				}
				if taken {
					c.EIP = in.Imm
				}
				continue
			case fastCmpJccRR, fastCmpJccRI, fastTestJccRR, fastTestJccRI:
				// A compare fused with the Jcc after it (fuseJcc): both run here, unless the run
				// ends after the compare (budget, single step); the Jcc then runs on its own.
				a, v := c.Regs[in.Args[0].Reg&7], in.Imm
				if in.Fast == fastCmpJccRR || in.Fast == fastTestJccRR {
					v = c.Regs[in.Args[1].Reg&7]
				}
				j := i + 1
				var taken bool
				if in.Fast <= fastCmpJccRI {
					c.setLazy4(lazySub, a, v, a-v)
					if uint(j) >= uint(len(run)) {
						continue
					}
					switch cc := ccOf[run[j].Op]; cc {
					case 2:
						taken = a < v
					case 3:
						taken = a >= v
					case 4:
						taken = a == v
					case 5:
						taken = a != v
					case 6:
						taken = a <= v
					case 7:
						taken = a > v
					case 0xC:
						taken = int32(a) < int32(v)
					case 0xD:
						taken = int32(a) >= int32(v)
					case 0xE:
						taken = int32(a) <= int32(v)
					case 0xF:
						taken = int32(a) > int32(v)
					default:
						taken = c.cond(cc)
					}
				} else {
					res := a & v
					c.setLogic4(res)
					if uint(j) >= uint(len(run)) {
						continue
					}
					switch cc := ccOf[run[j].Op]; cc {
					case 4:
						taken = res == 0
					case 5:
						taken = res != 0
					default:
						taken = c.cond(cc)
					}
				}
				if taken {
					c.EIP = run[j].Imm
				}
				i = j
				continue
			case fastJmpRel:
				c.EIP = in.Imm
				continue
			case fastPushR:
				sp := c.Regs[ESP] - 4
				v := c.Regs[in.Args[0].Reg&7]
				if mem.Write32TLB(sp, v) || mem.Write32(sp, v) {
					c.Regs[ESP] = sp
				} else {
					r = c.memFault()
				}
			case fastPopR:
				v, ok := mem.Read32TLB(c.Regs[ESP])
				if !ok {
					v, ok = mem.Read32(c.Regs[ESP])
				}
				if ok {
					c.Regs[ESP] += 4
					c.Regs[in.Args[0].Reg&7] = v
				} else {
					r = c.memFault()
				}
			case fastCallRel:
				sp := c.Regs[ESP] - 4
				ret := in.Addr + uint32(in.Len)
				if mem.Write32TLB(sp, ret) || mem.Write32(sp, ret) {
					c.Regs[ESP] = sp
					c.EIP = in.Imm
				} else {
					r = c.memFault()
				}
			case fastRet:
				v, ok := mem.Read32TLB(c.Regs[ESP])
				if !ok {
					v, ok = mem.Read32(c.Regs[ESP])
				}
				if ok {
					c.Regs[ESP] += 4
					c.EIP = v
				} else {
					r = c.memFault()
				}
			default:
				r = handlers[in.Op](c, in)
			}
			if r != flowNext {
				if r == flowTrap {
					c.EIP = in.Addr + uint32(in.Len)
					c.exc.EIP = c.EIP
					c.Count -= uint64(n - i - 1)
					return StopFault
				}
				c.EIP = in.Addr
				// Resuming at this instruction (a retried fault, the next REP chunk) continues
				// in this block rather than translating one that starts here.
				c.resume, c.resumeIdx = b, i
				if r == flowFault {
					c.Count -= uint64(n - i)
					c.exc.EIP = in.Addr
					if c.exc.Kind == Breakpoint && in.Len > 1 {
						// Windows' breakpoint handler backs the trap EIP up by one byte: for
						// CD 03 (or a prefixed CC) it reports the last byte, not the start.
						c.EIP = in.Addr + uint32(in.Len) - 1
						c.exc.EIP, c.resume = c.EIP, nil
					}
					return StopFault
				}
				// flowRepeat: this execution counts; run the instruction again.
				c.Count -= uint64(n - i - 1)
				n = i + 1
				goto next
			}
			if in.Check && i+1 < n && mem.GenEpoch() != b.epoch && !b.current(mem, mem.GenEpoch()) {
				// The instruction wrote to this block's code page: leave the block so the
				// rest is looked up (and retranslated if its bytes changed).
				c.Count -= uint64(n - i - 1)
				n = i + 1
				c.EIP = insts[n].Addr
				goto next
			}
		}
		if n < len(insts) {
			c.EIP = insts[n].Addr
			c.resume, c.resumeIdx = b, n
		}
	next:
		budget -= uint64(n - start)
		if single {
			if c.ssShadow {
				// MOV SS and POP SS hold off debug traps until after the next instruction.
				c.ssShadow = false
				continue
			}
			c.exc = Exception{Kind: SingleStep, EIP: c.EIP}
			return StopSingleStep
		}
	}
	return StopBudget
}

// Step executes exactly one instruction, even one at a breakpoint address. It returns StopBudget
// when the instruction completed, or the reason it could not (fault, thunk, single-step trap).
func (c *CPU) Step() StopReason {
	c.skipBP, c.skipBPSet = c.EIP, true
	return c.Run(1)
}

// raise records an exception of kind k for the current instruction (the loop fills in EIP).
func (c *CPU) raise(k ExceptionKind) flow {
	c.exc = Exception{Kind: k}
	if k == GeneralProtection {
		c.exc.Addr, c.exc.Access = gpAddr, mm.AccessRead
	}
	return flowFault
}

// gpAddr is the address Windows reports for a #GP (which it raises as an access violation).
const gpAddr = 0xFFFFFFFF

// memFaultRMW is memFault for the read half of a read-modify-write: the processor performs that
// read with write intent, so the fault is reported as a write.
func (c *CPU) memFaultRMW() flow {
	c.memFault()
	if c.exc.Kind == AccessViolation {
		c.exc.Access = mm.AccessWrite
	}
	return flowFault
}

// memFault records the access violation the address space just reported.
func (c *CPU) memFault() flow {
	if c.segFault {
		c.segFault = false
		return c.raise(GeneralProtection)
	}
	f := c.Mem.LastFault()
	c.exc = Exception{Kind: AccessViolation, Addr: f.Addr, Access: f.Access.Kind()}
	if f.Reason == mm.FaultGuard {
		c.exc.Guard = true
	}
	return flowFault
}
