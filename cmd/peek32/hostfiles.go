package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// hostFiles is the CLI's file system: guest directories mounted on host directories (read through os.Root, so
// nothing outside a mount is reachable), plus files added in memory.
type hostFiles struct {
	mounts []mount
	mem    map[string][]byte
}

type mount struct {
	guest string // upper-case guest prefix without trailing backslash
	root  *os.Root
}

func newHostFiles() *hostFiles { return &hostFiles{mem: map[string][]byte{}} }

// mount makes host directory dir visible at guest path prefix.
func (h *hostFiles) mount(prefix, dir string) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return
	}
	h.mounts = append(h.mounts, mount{guest: strings.ToUpper(strings.TrimSuffix(prefix, `\`)), root: r})
	sort.SliceStable(h.mounts, func(i, j int) bool { return len(h.mounts[i].guest) > len(h.mounts[j].guest) })
}

func (h *hostFiles) AddFile(path string, data []byte) error {
	h.mem[strings.ToUpper(path)] = data
	return nil
}

func (h *hostFiles) ReadFile(path string) ([]byte, error) {
	p := strings.ReplaceAll(path, "/", `\`)
	if d, ok := h.mem[strings.ToUpper(p)]; ok {
		return d, nil
	}
	up := strings.ToUpper(p)
	for _, m := range h.mounts {
		if up == m.guest || strings.HasPrefix(up, m.guest+`\`) {
			rel := strings.TrimPrefix(p[len(m.guest):], `\`)
			if rel == "" {
				break
			}
			f, err := m.root.Open(filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, os.ErrNotExist)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil || st.IsDir() || st.Size() > 1<<30 {
				return nil, fmt.Errorf("%s: %w", path, os.ErrNotExist)
			}
			b := make([]byte, st.Size())
			if _, err := io.ReadFull(f, b); err != nil {
				return nil, err
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", path, os.ErrNotExist)
}
