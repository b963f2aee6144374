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
		b := k.fast[fastSlot(eip)]
		if b == nil || b.start != eip || mem.PageGen(b.page0) != b.gen0 ||
			(b.page1 != b.page0 && mem.PageGen(b.page1) != b.gen1) {
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
		c.skipBPSet = false
		insts := b.insts
		n := len(insts)
		single := c.flags&FlagTF != 0
		if single {
			n = 1
		}
		if uint64(n) > budget {
			n = int(budget)
		}
		if trace != nil {
			trace(eip, n)
		}
		c.EIP = b.end
		c.Count += uint64(n)
		for i := 0; i < n; i++ {
			in := &insts[i]
			if r := handlers[in.Op](c, in); r != flowNext {
				c.EIP = in.Addr
				if r == flowFault {
					c.Count -= uint64(n - i)
					c.exc.EIP = in.Addr
					return StopFault
				}
				// flowRepeat: this execution counts; run the instruction again from the top.
				c.Count -= uint64(n - i - 1)
				n = i + 1
				goto next
			}
		}
		if n < len(insts) {
			c.EIP = insts[n].Addr
		}
	next:
		budget -= uint64(n)
		if single {
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
	return flowFault
}

// memFault records the access violation the address space just reported.
func (c *CPU) memFault() flow {
	f := c.Mem.LastFault()
	c.exc = Exception{Kind: AccessViolation, Addr: f.Addr, Access: f.Access.Kind()}
	if f.Reason == mm.FaultGuard {
		c.exc.Guard = true
	}
	return flowFault
}
