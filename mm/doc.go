// Package mm is the simulated 32-bit virtual memory of one emulated machine: address spaces of 4 KiB
// pages with Windows' reserve/commit/protect model, reference-counted frames with copy-on-write, a
// kernel half shared by every space, faults as values, and fast accessors with a software TLB for the
// interpreter. It knows nothing of Windows constants (the win32 layer maps PAGE_* and MEM_* onto it).
//
// # Layout
//
// A Machine owns the commit limit and the kernel half; each process has a Space:
//
//	0x00000000 +----------------------+
//	           | NULL region (64 KiB) |  never handed out
//	0x00010000 +----------------------+  UserMin
//	           | user allocations     |  Reserve places here, bottom-up or top-down,
//	           |   image, DLLs, heaps,|  64 KiB-aligned (AllocGranularity)
//	           |   stacks, PEB/TEB    |
//	0x7FFF0000 +----------------------+  UserMax
//	           | guard (64 KiB)       |  never handed out
//	0x80000000 +======================+  KernelBase
//	           | kernel half          |  one page table, Machine.Kernel(), referenced by
//	           |                      |  every Space: a mapping made there is visible in all
//	0xFFFF0000 +----------------------+  KernelMax (top 64 KiB never handed out)
//
// User-mode accesses (the hot accessors of a process Space, and bulk accessors without AccessKernel)
// to the kernel half fault with FaultKernel; kernel-mode accesses reach it. Management calls on a
// process Space apply to its user half only; the kernel maps things through Machine.Kernel().
//
// # Regions, pages, frames
//
// A reservation (Reserve) is a range of pages with an allocation base, an allocation protection and
// a type (image, mapped, private). Inside it, pages are committed (Commit), decommitted (Decommit)
// and re-protected (Protect) individually; Release frees the whole reservation. Query and Regions
// describe the result the way VirtualQuery does.
//
// The page table is sparse and two-level: a directory of 1024 pointers, each to a table of 1024
// small entries (16 bytes) allocated when a page of its 4 MiB is first committed. Reserving costs
// one slice element; committing costs a table entry; host memory for a page (a frame) is allocated
// on its first write, so untouched committed memory reads as zeros from one shared zero page.
//
//	Space.dir[a>>22] --> ptable[(a>>12)&1023] = pte{frame, gen, prot, committed, code, shared}
//	                                                 |
//	              frame{data *[4096]byte, refs, gen, code} <-- ptes of other spaces (shared)
//
// A frame counts the page-table entries that map it. ShareFrom maps another space's frames (an
// image section mapped by two processes) and Clone maps all of them; a write to a page whose frame
// has more than one reference copies it first (copy-on-write), and a write to a page whose frame
// has become unshared takes it over. ProtCopy (write-copy) is writable; the first write makes the
// page private and turns ProtCopy into ProtWrite. MapShared is the exception to copy-on-write, for
// sections shared between processes: its pages are marked shared and writable ones are written in
// place, seen by every mapping (a write-copy view of them still copies). PageInfo tells of every
// page whether it is Private, Shared (frame referenced elsewhere; read-only or shared in place) or
// SharedCOW (writable, next write copies); Stats counts shared pages and the copies made.
// Machine.Verify recounts all of this from scratch.
//
// The commit limit charges every committed page of every space (a shared page counts in each space
// that maps it), so frames never outnumber charged pages: going past the limit is an ErrCommitLimit
// error for the guest, never a host crash.
//
// # Accessors and the TLB
//
// Read8/16/32/64 and Write8/16/32/64 return ok=false on a fault and leave the details in LastFault;
// they allocate nothing. Each Space has two direct-mapped 256-entry TLBs of {page number, *[4096]byte}:
// the read TLB holds committed readable non-guard pages; the write TLB holds only pages whose writes
// need no bookkeeping: writable without write-copy, not guard, not marked as code, and holding a frame
// no one else references (or one shared in place by MapShared). A hit is a tag compare (which also
// rejects accesses that cross the page) and a little-endian load or store. Everything else takes the slow path, which walks the table,
// checks state and protection, breaks sharing, bumps generations and refills the TLB. Every change
// to a page (protection, decommit, release, sharing, copy-on-write) drops its TLB entries; a process
// Space never caches kernel-half pages, so kernel changes need no cross-space invalidation.
//
// The full accessors are a TLB probe plus a call to the slow path, which puts them over Go's
// inlining budget. Read8TLB, Read32TLB, Write8TLB and Write32TLB are the probe alone (inlinable):
// a hit is exactly the full accessor's fast path, a miss does nothing at all (no fault recorded)
// and the caller then calls the full accessor. MoveTLB and FillTLB are their bulk forms for string
// instructions: a copy or fill within one page per side, done only if the pages are in the TLBs.
//
// Page-crossing accesses are exact: a fault reports the first inaccessible byte, and a write checks
// every page it touches before it writes any (a faulting write writes nothing). A guard page faults
// once with FaultGuard, losing ProtGuard, and the retried access proceeds.
//
// ReadBytes and WriteBytes are the bulk forms, with AccessKernel (reach the kernel half) and
// AccessForce (ignore protection and guard, for the loader and debugger) options. Fetch reads
// instruction bytes with execute access for the decoder. ReadCString and ReadUTF16 read bounded
// guest strings.
//
// # Code generations
//
// Each page has a generation (PageGen) that changes when it is committed, re-protected (a guard
// page's first fault included), decommitted, released or remapped (ShareFrom, MapShared, a
// copy-on-write copy). MarkCode marks the page and its
// frame: the page leaves the write TLB (of every space, if the frame is mapped elsewhere), and every
// write to the frame gives it a fresh generation. PageGen is the later of the page's and its frame's,
// both drawn from one machine-wide counter, so a write through another space sharing the frame in
// place is seen too and a changed page never shows an earlier value again. The interpreter records
// the generations of the pages a cached translation came from and retranslates when they differ
// (self-modifying code, packers, unloads). GenEpoch is the machine-wide sequence the generations
// are drawn from: while it is unchanged no PageGen has changed, so the interpreter can skip the
// per-page comparisons (the differential test checks this contract after every operation).
//
// # Concurrency
//
// A Machine and its Spaces are not safe for concurrent use; the emulator drives them from one
// goroutine. Close a Space when its process ends, to return its commit charge and frame references.
package mm
