module github.com/edsrzf/mmap-go

go 1.17

require golang.org/x/sys v0.48.0
