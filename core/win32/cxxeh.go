package win32

import (
	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// MSVC C++ exception handling for x86 (msvcrt's __CxxFrameHandler): the frame handler that every function with
// try/catch or objects to destroy registers on the FS:[0] chain, with its FuncInfo in EAX. Thrown exceptions
// arrive as 0xE06D7363 (see _CxxThrowException) with {magic, object, ThrowInfo}.
//
// Layouts (32-bit): the registration node is {next, handler, state} with the saved ESP just below it and the
// function's EBP 12 bytes above it. FuncInfo {magic, maxState, unwindMap, nTryBlocks, tryBlockMap, ...};
// UnwindMapEntry {toState, action}; TryBlockMapEntry {tryLow, tryHigh, catchHigh, nCatches, handlers};
// HandlerType {adjectives, typeDescriptor, dispCatchObj, handler}; ThrowInfo {attributes, unwind, forwardCompat,
// catchableTypes}; CatchableTypeArray {n, types[]}; CatchableType {properties, typeDescriptor, mdisp, pdisp,
// vdisp, size, copyCtor}.

const (
	cxxCode       = 0xE06D7363
	cxxMagic0     = 0x19930520
	cxxMagicLast  = 0x19930522
	adjReference  = 0x08
	adjEllipsis   = 0x40
	ctSimpleType  = 0x01
	maxUnwindStep = 10000
)

func init() {
	msvcrt.Add(
		Export{Name: "__CxxFrameHandler", Handler: cxxFrameHandler, Note: "catch by type, by reference or by value; no exception specifications"},
		Export{Name: "__CxxFrameHandler2", Handler: cxxFrameHandler},
		Export{Name: "__CxxFrameHandler3", Handler: cxxFrameHandler},
	)
}

type cxxFrame struct {
	node, ebp, savedESP, funcInfo uint32
	maxState, unwindMap           uint32
	nTry, tryMap                  uint32
}

// localUnwind calls the unwind actions from state `from` down to (not including) `to`, then done.
func (c *Call) localUnwind(f cxxFrame, from, to int32, done func(c *Call)) {
	var step func(c *Call, st int32, n int)
	step = func(c *Call, st int32, n int) {
		if st <= to || st < 0 || uint32(st) >= f.maxState || n > maxUnwindStep {
			c.Mem.Write32(f.node+8, uint32(to))
			done(c)
			return
		}
		next, _ := c.R32(f.unwindMap + 8*uint32(st))
		action, _ := c.R32(f.unwindMap + 8*uint32(st) + 4)
		c.Mem.Write32(f.node+8, next)
		if action == 0 {
			step(c, int32(next), n+1)
			return
		}
		c.T.CPU.Regs[cpu.EBP] = f.ebp
		c.CallGuest(action, nil, func(c *Call, _ uint32) { step(c, int32(next), n+1) })
	}
	step(c, from, 0)
}

// typeName reads a TypeDescriptor's decorated name.
func (c *Call) typeName(td uint32) string {
	if td == 0 {
		return ""
	}
	s, _ := c.Mem.ReadCString(td+8, 512)
	return s
}

// cxxFrameHandler is __CxxFrameHandler(rec, node, ctx, dc) with FuncInfo in EAX.
func cxxFrameHandler(c *Call) {
	rec, node := c.Arg(0), c.Arg(1)
	c.Arg(2)
	c.Arg(3)
	fi := c.T.CPU.Regs[cpu.EAX]
	code, _ := c.R32(rec + abi.ER_ExceptionCode)
	flags, _ := c.R32(rec + abi.ER_ExceptionFlags)
	magic, ok := c.R32(fi)
	if !ok || magic < cxxMagic0 || magic > cxxMagicLast {
		c.Return(abi.ExceptionContinueSearch)
		return
	}
	f := cxxFrame{node: node, ebp: node + 12, funcInfo: fi}
	f.savedESP, _ = c.R32(node - 4)
	f.maxState, _ = c.R32(fi + 4)
	f.unwindMap, _ = c.R32(fi + 8)
	f.nTry, _ = c.R32(fi + 12)
	f.tryMap, _ = c.R32(fi + 16)
	stateU, _ := c.R32(node + 8)
	state := int32(stateU)
	if flags&(abi.EXCEPTION_UNWINDING|abi.EXCEPTION_EXIT_UNWIND) != 0 {
		// Second pass: destroy this frame's objects.
		c.localUnwind(f, state, -1, func(c *Call) { c.Return(abi.ExceptionContinueSearch) })
		return
	}
	if code != cxxCode {
		c.Return(abi.ExceptionContinueSearch) // no catch(...) of SEH exceptions (/EHs semantics)
		return
	}
	nparams, _ := c.R32(rec + abi.ER_NumberParameters)
	obj, _ := c.R32(rec + abi.ER_ExceptionInformation + 4)
	throwInfo, _ := c.R32(rec + abi.ER_ExceptionInformation + 8)
	if nparams < 3 || throwInfo == 0 {
		c.Return(abi.ExceptionContinueSearch) // a rethrow with no current exception: not handled here
		return
	}
	cta, _ := c.R32(throwInfo + 12)
	ntypes, _ := c.R32(cta)
	var thrown []uint32 // CatchableType addresses
	for i := uint32(0); i < min(ntypes, 64); i++ {
		ct, _ := c.R32(cta + 4 + 4*i)
		thrown = append(thrown, ct)
	}
	for i := uint32(0); i < min(f.nTry, 4096); i++ {
		tb := f.tryMap + 20*i
		tryLow, _ := c.R32(tb)
		tryHigh, _ := c.R32(tb + 4)
		nCatch, _ := c.R32(tb + 12)
		handlers, _ := c.R32(tb + 16)
		if state < int32(tryLow) || state > int32(tryHigh) {
			continue
		}
		for j := uint32(0); j < min(nCatch, 256); j++ {
			ht := handlers + 16*j
			adj, _ := c.R32(ht)
			td, _ := c.R32(ht + 4)
			var match uint32
			if td == 0 || adj&adjEllipsis != 0 || c.typeName(td) == "" {
				match = 0xFFFFFFFF // catch (...)
			} else {
				want := c.typeName(td)
				for _, ct := range thrown {
					ctd, _ := c.R32(ct + 4)
					if ctd == td || c.typeName(ctd) == want {
						match = ct
						break
					}
				}
			}
			if match == 0 {
				continue
			}
			c.cxxCatch(f, rec, obj, throwInfo, match, ht, int32(tryLow), int32(tryHigh), state)
			return
		}
	}
	c.Return(abi.ExceptionContinueSearch)
}

// cxxCatch transfers control to a matching catch block: the catch object is built, the frames inside this one
// are unwound (RtlUnwind), this frame's objects down to the try block are destroyed, the catch funclet runs
// with the function's EBP, the thrown object is destroyed, and execution continues where the funclet says.
func (c *Call) cxxCatch(f cxxFrame, rec, obj, throwInfo, ct, ht uint32, tryLow, tryHigh, state int32) {
	adj, _ := c.R32(ht)
	disp, _ := c.R32(ht + 8)
	handler, _ := c.R32(ht + 12)
	c.done = true // the call never returns: control goes to the catch block
	// 1. The catch object.
	build := func(c *Call, next func(c *Call)) {
		if disp == 0 || ct == 0xFFFFFFFF {
			next(c)
			return
		}
		dst := f.ebp + disp
		mdisp, _ := c.R32(ct + 8)
		src := obj + mdisp
		props, _ := c.R32(ct)
		size, _ := c.R32(ct + 20)
		copyCtor, _ := c.R32(ct + 24)
		switch {
		case adj&adjReference != 0:
			c.W32(dst, src)
			next(c)
		case props&ctSimpleType != 0 || copyCtor == 0:
			if at, ok := c.MoveMem(dst, src, min(size, 1<<16)); !ok {
				c.Fault(at, at == dst)
				return
			}
			next(c)
		default:
			c.T.CPU.Regs[cpu.ECX] = dst
			c.CallGuest(copyCtor, []uint32{src}, func(c *Call, _ uint32) { next(c) })
		}
	}
	build(c, func(c *Call) {
		// 2. Unwind the frames inside this one.
		c.keep() // the continuation goes on with c (call.go, Call's lifetime)
		c.K.Unwind(c.T, f.node, rec, c.RetAddr, func(t *kernel.Thread) {
			// 3. Destroy this frame's objects down to the try block.
			c.localUnwind(f, state, tryLow, func(c *Call) {
				c.Mem.Write32(f.node+8, uint32(tryHigh+1))
				// 4. Run the catch funclet on the function's frame.
				c.T.CPU.Regs[cpu.ESP] = f.savedESP
				c.T.CPU.Regs[cpu.EBP] = f.ebp
				c.CallGuest(handler, nil, func(c *Call, cont uint32) {
					finish := func(c *Call) {
						// 5. Continue after the try block.
						c.T.ExceptionHandled()
						c.T.CPU.Regs[cpu.ESP] = f.savedESP
						c.T.CPU.Regs[cpu.EBP] = f.ebp
						c.T.CPU.EIP = cont
						c.Mem.Write32(c.T.TEB+abi.TEB_ExceptionList, f.node)
						c.T.DropFramesBelow(f.savedESP)
					}
					dtor, _ := c.R32(throwInfo + 4)
					if dtor == 0 {
						finish(c)
						return
					}
					c.T.CPU.Regs[cpu.ECX] = obj
					c.CallGuest(dtor, nil, func(c *Call, _ uint32) { finish(c) })
				})
			})
		})
	})
}
