// Package loader is being written; see docs/ARCHITECTURE.md.
package loader
