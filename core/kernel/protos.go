package kernel

// Prototype images are shared by the processes that map the same image (mapImage); each lives while a process
// that mapped it lives. Without the release, every distinct exe or DLL a session ever ran kept an address space
// and its committed pages for good: a guest writing and starting image after image would fill the commit limit
// with images nothing uses, and every code page first executed would walk all those spaces' write TLBs.

// useProto records that p maps the prototype under key.
func (k *Kernel) useProto(p *Process, key string) {
	for _, have := range p.protoKeys {
		if have == key {
			return
		}
	}
	if k.protoUsers == nil {
		k.protoUsers = map[string]int{}
	}
	k.protoUsers[key]++
	p.protoKeys = append(p.protoKeys, key)
}

// releaseProtos drops p's uses of prototypes (once: p.protoKeys is cleared); a prototype no live process uses
// any more is closed and forgotten (a later process maps it afresh).
func (k *Kernel) releaseProtos(p *Process) {
	for _, key := range p.protoKeys {
		k.protoUsers[key]--
		if k.protoUsers[key] > 0 {
			continue
		}
		delete(k.protoUsers, key)
		if m := k.protos[key]; m != nil {
			if m.Space != nil {
				_ = m.Space.Close()
			}
			delete(k.protos, key)
		}
	}
	p.protoKeys = nil
}
