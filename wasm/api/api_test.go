package api

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
)

func TestSession_Call(t *testing.T) {
	s := New()
	tests := []struct {
		name     string
		req      Request
		wantKind string // ErrorKind of the error; "" with wantErr false means success
		wantErr  string // substring of the error text
	}{
		{name: "version", req: Request{Method: "version"}},
		{name: "methods", req: Request{Method: "methods", Args: json.RawMessage(`{}`)}},
		{name: "unknown", req: Request{Method: "nope"}, wantErr: `unknown method "nope"`},
	}
	for _, m := range Methods() {
		if !m.Available {
			tests = append(tests, struct {
				name     string
				req      Request
				wantKind string
				wantErr  string
			}{name: "not-available/" + m.Name, req: Request{Method: m.Name}, wantKind: "not-available", wantErr: "is not available yet"})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, isBytes, err := s.CallJSON(&tt.req)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CallJSON(%s) = %v", tt.req.Method, err)
				}
				if isBytes || !json.Valid(out) {
					t.Fatalf("CallJSON(%s) = %q, isBytes %v: want JSON", tt.req.Method, out, isBytes)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CallJSON(%s) error = %v, want it to contain %q", tt.req.Method, err, tt.wantErr)
			}
			if got := ErrorKind(err); got != tt.wantKind {
				t.Errorf("ErrorKind(%v) = %q, want %q", err, got, tt.wantKind)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	ms := Methods()
	if !sort.SliceIsSorted(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name }) {
		t.Error("Methods() not sorted by name")
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Doc == "" {
			t.Errorf("method %s has no doc line", m.Name)
		}
		if m.Available == (m.Needs != "") {
			t.Errorf("method %s: available %v but needs %q", m.Name, m.Available, m.Needs)
		}
		seen[m.Name] = true
	}
	// The page and docs/js-api.md rely on these names.
	for _, n := range []string{"version", "methods", "inspect", "boot", "addFile", "createProcess", "run", "step", "stepOver",
		"stepOut", "setBreakpoint", "setAPIBreakpoint", "drainEvents", "writeStdin", "processes", "threads", "modules",
		"handles", "memoryMap", "registers", "readMemory", "disassemble", "writtenFiles", "readFile"} {
		if !seen[n] {
			t.Errorf("method %s missing", n)
		}
	}
}

func TestSession_Call_recoversPanic(t *testing.T) {
	index["test-panic"] = &method{name: "test-panic", fn: func(_ *Session, r *Request) (any, error) {
		return r.Data[len(r.Method)], nil // index out of range: an emulator bug stand-in
	}}
	defer delete(index, "test-panic")
	_, err := New().Call(&Request{Method: "test-panic"})
	var ie *InternalError
	if !errors.As(err, &ie) || ErrorKind(err) != "internal" || !strings.Contains(ie.Stack, "api_test.go") {
		t.Fatalf("Call(panicking method) = %v, want an InternalError with a stack", err)
	}
}

func TestSession_CallJSON_bytes(t *testing.T) {
	index["test-bytes"] = &method{name: "test-bytes", fn: func(_ *Session, r *Request) (any, error) {
		d, err := needData(r, "payload")
		return Bytes(d), err
	}}
	defer delete(index, "test-bytes")
	out, isBytes, err := New().CallJSON(&Request{Method: "test-bytes", Data: []byte{1, 2, 3}})
	if err != nil || !isBytes || string(out) != "\x01\x02\x03" {
		t.Fatalf("CallJSON(bytes) = %v, %v, %v", out, isBytes, err)
	}
	_, _, err = New().CallJSON(&Request{Method: "test-bytes"})
	if ErrorKind(err) != "argument" {
		t.Fatalf("CallJSON(no data) error = %v, want an argument error", err)
	}
}

func TestDecode(t *testing.T) {
	var a struct{ PID uint32 }
	for _, ok := range []string{"", "null", " ", `{"pid": 12}`} {
		if err := decode(&Request{Method: "m", Args: json.RawMessage(ok)}, &a); err != nil {
			t.Errorf("decode(%q) = %v", ok, err)
		}
	}
	if a.PID != 12 {
		t.Errorf("decode: PID = %d, want 12", a.PID)
	}
	for _, bad := range []string{`{"pid": "x"}`, `[`, `{"pid": -1}`} {
		if err := decode(&Request{Method: "m", Args: json.RawMessage(bad)}, &a); ErrorKind(err) != "argument" {
			t.Errorf("decode(%q) = %v, want an argument error", bad, err)
		}
	}
}

func TestSession_Call_inspect(t *testing.T) {
	s := New()
	res, err := s.Call(&Request{Method: "inspect", Data: []byte("just text, not a program")})
	if err != nil {
		t.Fatalf("inspect(text) = %v", err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Runnable bool   `json:"runnable"`
		Verdict  string `json:"verdict"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Runnable || rep.Verdict == "" {
		t.Errorf("inspect(text) = runnable %v, verdict %q: want not runnable with a sentence", rep.Runnable, rep.Verdict)
	}
	if _, err := s.Call(&Request{Method: "inspect"}); ErrorKind(err) != "argument" {
		t.Errorf("inspect() without bytes = %v, want an argument error", err)
	}
}

func TestSession_Call_notAvailable(t *testing.T) {
	index["test-na"] = &method{name: "test-na", needs: "core.Machine.Future"}
	defer delete(index, "test-na")
	_, err := New().Call(&Request{Method: "test-na"})
	var na *NotAvailableError
	if !errors.As(err, &na) || ErrorKind(err) != "not-available" || na.Needs != "core.Machine.Future" {
		t.Fatalf("Call(method waiting for the core) = %v, want a NotAvailableError naming core.Machine.Future", err)
	}
	if want := "test-na is not available yet: this build of peek32 lacks core.Machine.Future"; err.Error() != want {
		t.Errorf("error text = %q, want %q", err.Error(), want)
	}
}
