// Package core is the facade over the emulator; see docs/ARCHITECTURE.md.
package core
