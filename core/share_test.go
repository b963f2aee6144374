package core

import (
	"os"
	"path/filepath"
	"testing"
)

// TestImagePagesShared checks PROCESS_MODEL.md §6 for two processes of one program: the image's pages are
// shared (read-only ones shared, writable ones copy-on-write), and a process's writes make private copies.
func TestImagePagesShared(t *testing.T) {
	exe, err := os.ReadFile(filepath.Join(guestDir, "bin", "spin.exe"))
	if err != nil {
		t.Skip("no spin.exe")
	}
	m, err := NewMachine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddFile(`C:\t\spin.exe`, exe); err != nil {
		t.Fatal(err)
	}
	var pids []uint32
	for i := 0; i < 2; i++ {
		pi, err := m.CreateProcess(`C:\t\spin.exe`, ProcessOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pi.PID)
	}
	m.Run(200_000)
	for _, pid := range pids {
		shared, cow := 0, 0
		for _, r := range m.MemoryMap(pid) {
			if r.Type == "image" {
				shared += r.Shared
				cow += r.COW
			}
		}
		if shared == 0 || cow == 0 {
			t.Errorf("process %d: %d shared and %d copy-on-write image pages, want both > 0", pid, shared, cow)
		}
	}
	st := m.Kernel().Process(pids[0]).Space.Stats()
	if st.SharedPages == 0 {
		t.Errorf("no shared pages in the first process: %+v", st)
	}
}
