// Package cpu is being written; see docs/ARCHITECTURE.md.
package cpu
