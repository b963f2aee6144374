// Copyright 2026 the peek32 authors. Same BSD-style license as the rest of
// this package (see LICENSE).

//go:build js || wasip1

// peek32 addition: GOOS=js has no mmap. github.com/saferwall/pe only maps
// files in pe.New(path); peek32 always parses bytes with pe.NewBytes, so on
// js every mapping call reports that mapping is unsupported.

package mmap

import "errors"

var errNoMmap = errors.New("mmap: not supported on js/wasm")

func mmap(len int, inprot, inflags, fd uintptr, off int64) ([]byte, error) {
	return nil, errNoMmap
}

func (m MMap) flush() error  { return errNoMmap }
func (m MMap) lock() error   { return errNoMmap }
func (m MMap) unlock() error { return errNoMmap }
func (m MMap) unmap() error  { return errNoMmap }
