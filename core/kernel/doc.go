// Package kernel is being written; see docs/ARCHITECTURE.md.
package kernel
