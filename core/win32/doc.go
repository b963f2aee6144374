// Package win32 is being written; see docs/ARCHITECTURE.md.
package win32
