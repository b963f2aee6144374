package abi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestCodes_Table checks that every NTSTATUS and Errno constant declared in codes.go has exactly one row with its
// own name and value, so String never falls back to a number for a code peek32 uses.
func TestCodes_Table(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, c := range Codes {
		rows[c.Name]++
	}
	declared := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			id, ok := vs.Type.(*ast.Ident)
			if !ok || (id.Name != "NTSTATUS" && id.Name != "Errno") {
				continue
			}
			for _, n := range vs.Names {
				declared++
				if n.Name == "STATUS_WAIT_0" || n.Name == "errMRMidNotFound" { // an alias; the unexported fallback
					continue
				}
				if rows[n.Name] != 1 {
					t.Errorf("%s: %d rows in Codes, want 1", n.Name, rows[n.Name])
				}
			}
		}
	}
	if declared < 100 {
		t.Fatalf("found only %d declared codes; the parse went wrong", declared)
	}
}

func TestCodes_String(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{STATUS_ACCESS_VIOLATION.String(), "STATUS_ACCESS_VIOLATION"},
		{STATUS_SUCCESS.String(), "STATUS_SUCCESS"},
		{NTSTATUS(0xC0DE0001).String(), "NTSTATUS(0xC0DE0001)"},
		{ERROR_FILE_NOT_FOUND.String(), "ERROR_FILE_NOT_FOUND"},
		{Errno(54321).String(), "Errno(54321)"},
		{ERROR_INVALID_HANDLE.Error(), "ERROR_INVALID_HANDLE"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestNTSTATUS_Errno(t *testing.T) {
	tests := []struct {
		s    NTSTATUS
		want Errno
	}{
		{STATUS_SUCCESS, ERROR_SUCCESS},
		{STATUS_ACCESS_VIOLATION, ERROR_NOACCESS},
		{STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND},
		{STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE},
		{STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY},
		{NTSTATUS(0xC0DE0001), 317},
	}
	for _, tt := range tests {
		if got := tt.s.Errno(); got != tt.want {
			t.Errorf("%v.Errno() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestLayout_Consistency checks relations between offsets that shellcode and runtimes rely on.
func TestLayout_Consistency(t *testing.T) {
	checks := []struct {
		name string
		ok   bool
	}{
		{"TEB fits its page", TEB_Size <= TEBSize},
		{"TLS slots inside the TEB", TEB_TlsSlots+4*TLSMinimumAvailable <= TEB_Size},
		{"LDR lists follow each other", LDR_InMemoryOrderModuleList == LDR_InLoadOrderModuleList+8 && LDR_InInitializationOrderModuleList == LDR_InMemoryOrderModuleList+8},
		{"entry links in order", LDRE_InMemoryOrderLinks == 8 && LDRE_InInitializationOrderLinks == 16},
		{"CONTEXT registers in order", CTX_Eip == CTX_Ebp+4 && CTX_Esp == CTX_EFlags+4},
		{"CONTEXT size", CTX_Size == CTX_Extended+512},
		{"FloatSave ends at SegGs", CTX_FloatSave+FloatSaveSize == CTX_SegGs},
		{"EXCEPTION_RECORD size", ER_ExceptionInformation+4*EXCEPTION_MAXIMUM_PARAMETERS == ER_Size},
		{"STARTUPINFO size", SI_Size == 68},
		{"PEB below the guard", PEBAddress+PageSize <= 0x7FFF0000},
		{"TEBs below the PEB", TEBTop < PEBAddress},
		{"KUSER_SHARED_DATA fits", KUSD_Size <= PageSize},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: violated", c.name)
		}
	}
}
