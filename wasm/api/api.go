// Package api is the JavaScript API of peek32 without the JavaScript: a table of named methods that take
// JSON arguments (plus, for some, one byte slice) and return a JSON-able value or bytes, over the core facade.
//
// The model: the wasm binary (package main in the parent directory) runs inside a Web Worker (or a Node
// worker thread). The worker's script calls one Go function per request with (method, argsJSON, bytes);
// that function hands them to [Session.Call] and turns the result back into JS values. Everything that is
// not JS glue lives here, so it is tested natively with `go test` as well as under GOOS=js GOARCH=wasm.
//
// Contracts:
//   - A method either returns a JSON-able value, or raw bytes ([Bytes]) for file contents and memory, or an error
//     whose text a person understands. A method whose facade call has not landed yet in package core
//     returns a [*NotAvailableError] ("... is not available yet"), never a fake result.
//   - Guest input is untrusted: malformed arguments are errors, and a panic inside the emulator is recovered
//     here and returned as an [*InternalError] carrying the panic text and stack, so the worker lives on.
//   - Calls are synchronous and never block on the guest: running is done in bounded slices ("run" with a budget)
//     by the caller, which yields to its event loop between slices so that pause and stop get in.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/peek32/peek32/core"
)

// Version is the JS API version reported by the "version" method. It changes when a method's
// arguments or results change incompatibly.
const Version = "0.1.0"

// Bytes is a method result that the JS side receives as a Uint8Array instead of JSON.
type Bytes []byte

// NotAvailableError is returned by a method whose implementation in the Go core has not landed yet.
type NotAvailableError struct {
	Method string // the JS method name
	Needs  string // the Go function it waits for, e.g. "core.Machine.Run"
}

func (e *NotAvailableError) Error() string {
	return fmt.Sprintf("%s is not available yet: this build of peek32 lacks %s", e.Method, e.Needs)
}

// InternalError is an emulator bug caught at the API edge (a recovered panic).
type InternalError struct {
	Method string
	Panic  string
	Stack  string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error in %s (an emulator bug, please report it): %s", e.Method, e.Panic)
}

// ArgError is a malformed argument from the caller.
type ArgError struct {
	Method string
	Msg    string
}

func (e *ArgError) Error() string { return e.Method + ": " + e.Msg }

// ErrNoMachine is returned by machine methods before "boot".
var ErrNoMachine = errors.New("no machine: call boot() first")

// ErrorKind names the class of an error for the JS side (the rejected Error's .kind):
// "not-available", "argument", "internal", "no-machine", or "" for any other error.
func ErrorKind(err error) string {
	var na *NotAvailableError
	var ae *ArgError
	var ie *InternalError
	switch {
	case errors.As(err, &na):
		return "not-available"
	case errors.As(err, &ae):
		return "argument"
	case errors.As(err, &ie):
		return "internal"
	case errors.Is(err, ErrNoMachine):
		return "no-machine"
	}
	return ""
}

// Request is one call as the JS side makes it.
type Request struct {
	Method string
	Args   json.RawMessage // a JSON object, or empty
	Data   []byte          // the one byte-slice argument (file contents, stdin bytes), or nil
}

// handler implements one method. It may return Bytes for a binary result.
type handler func(s *Session, r *Request) (any, error)

// method is one row of the API table.
type method struct {
	name  string
	doc   string  // one line: arguments -> result
	needs string  // non-empty: the facade function it waits for; the method is not available yet
	fn    handler // nil when needs is set
}

// MethodInfo describes one method, as returned by the "methods" call.
type MethodInfo struct {
	Name      string `json:"name"`
	Doc       string `json:"doc"`
	Available bool   `json:"available"`
	Needs     string `json:"needs,omitempty"`
}

// Session holds one JS API client's state: at most one machine at a time.
type Session struct {
	m *core.Machine // nil before boot

	breakpoints map[uint32]map[uint32]bool // pid -> address breakpoints set through this session (stepper.go)
	step        *stepper                   // a sliced step over/out in progress
}

// New returns a session with no machine.
func New() *Session { return &Session{} }

// Methods lists the API's methods in name order.
func Methods() []MethodInfo {
	out := make([]MethodInfo, 0, len(index))
	for _, m := range index {
		out = append(out, MethodInfo{Name: m.name, Doc: m.doc, Available: m.fn != nil, Needs: m.needs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var index map[string]*method

func init() {
	index = make(map[string]*method, len(table))
	for i := range table {
		m := &table[i]
		if _, dup := index[m.name]; dup {
			panic("api: duplicate method " + m.name)
		}
		if (m.fn == nil) == (m.needs == "") {
			panic("api: method " + m.name + " must have exactly one of fn and needs")
		}
		index[m.name] = m
	}
}

// Call runs one method. The result is JSON-able, or Bytes.
func (s *Session) Call(r *Request) (result any, err error) {
	m, ok := index[r.Method]
	if !ok {
		return nil, fmt.Errorf("unknown method %q (call methods() for the list)", r.Method)
	}
	if m.fn == nil {
		return nil, &NotAvailableError{Method: m.name, Needs: m.needs}
	}
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, &InternalError{Method: m.name, Panic: fmt.Sprint(p), Stack: string(debug.Stack())}
		}
	}()
	return m.fn(s, r)
}

// CallJSON is Call with the result encoded: a JSON text, or raw bytes (isBytes), or an error.
func (s *Session) CallJSON(r *Request) (out []byte, isBytes bool, err error) {
	res, err := s.Call(r)
	if err != nil {
		return nil, false, err
	}
	if b, ok := res.(Bytes); ok {
		return b, true, nil
	}
	out, err = json.Marshal(res)
	if err != nil {
		return nil, false, fmt.Errorf("%s: encoding the result: %v", r.Method, err)
	}
	return out, false, nil
}

// decode reads r.Args into v (a pointer to a struct). Empty arguments leave v as it is.
func decode(r *Request, v any) error {
	a := strings.TrimSpace(string(r.Args))
	if a == "" || a == "null" {
		return nil
	}
	if err := json.Unmarshal([]byte(a), v); err != nil {
		return &ArgError{Method: r.Method, Msg: "bad arguments: " + err.Error()}
	}
	return nil
}

// needData returns r.Data or an error naming what was expected.
func needData(r *Request, what string) ([]byte, error) {
	if r.Data == nil {
		return nil, &ArgError{Method: r.Method, Msg: what + " (bytes) missing"}
	}
	return r.Data, nil
}
