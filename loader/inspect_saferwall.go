//go:build saferwall && !js

// This file adds github.com/saferwall/pe's anomaly list to Inspect reports.
// It is behind the "saferwall" build tag because saferwall/pe imports
// github.com/edsrzf/mmap-go, which does not build for GOOS=js (the page), and
// needs golang.org/x/sys in go.sum. Build with `-tags saferwall` natively.

package loader

import (
	pe "github.com/saferwall/pe"
	pelog "github.com/saferwall/pe/log"
)

// discardLogger silences saferwall/pe (which logs to stdout by default).
type discardLogger struct{}

func (discardLogger) Log(pelog.Level, ...any) error { return nil }

func init() { extraInspect = saferwallAnomalies }

// saferwallAnomalies parses headers, sections and the Rich header with
// saferwall/pe (all data directories omitted, so its cost stays bounded)
// and appends its anomalies, prefixed with "saferwall: ".
func saferwallAnomalies(data []byte, r *Report) {
	defer func() {
		if p := recover(); p != nil {
			r.Anomalies = append(r.Anomalies, "saferwall/pe failed on this file")
		}
	}()
	opts := &pe.Options{
		MaxCOFFSymbolsCount:   uint32(DefaultLimits().MaxSymbols),
		DisableCertValidation: true, DisableSignatureValidation: true,
		Logger:              discardLogger{},
		OmitExportDirectory: true, OmitImportDirectory: true, OmitExceptionDirectory: true,
		OmitResourceDirectory: true, OmitRelocDirectory: true, OmitDebugDirectory: true,
		OmitArchitectureDirectory: true, OmitGlobalPtrDirectory: true, OmitTLSDirectory: true,
		OmitLoadConfigDirectory: true, OmitBoundImportDirectory: true, OmitIATDirectory: true,
		OmitDelayImportDirectory: true, OmitCLRHeaderDirectory: true, OmitCLRMetadata: true,
		OmitSecurityDirectory: true,
	}
	sf, err := pe.NewBytes(data, opts)
	if err != nil {
		return
	}
	if err := sf.Parse(); err != nil {
		r.Anomalies = append(r.Anomalies, "saferwall: "+err.Error())
	}
	_ = sf.GetAnomalies()
	for _, a := range sf.Anomalies {
		r.Anomalies = append(r.Anomalies, "saferwall: "+a)
	}
}
