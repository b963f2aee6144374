// Package mm is being written; see docs/ARCHITECTURE.md.
package mm
