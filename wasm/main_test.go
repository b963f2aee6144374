//go:build js && wasm

package main

import (
	"encoding/json"
	"testing"

	"github.com/hack-pad/safejs"

	"github.com/peek32/peek32/wasm/api"
)

// jsCall calls globalThis.peek32Go.call as the worker does and returns the result object.
func jsCall(t *testing.T, args ...any) safejs.Value {
	t.Helper()
	g, err := safejs.Global().Get("peek32Go")
	if err != nil {
		t.Fatal(err)
	}
	v, err := g.Call("call", args...)
	if err != nil {
		t.Fatalf("peek32Go.call(%v) threw: %v", args, err)
	}
	return v
}

func field(t *testing.T, v safejs.Value, name string) safejs.Value {
	t.Helper()
	f, err := v.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestExport(t *testing.T) {
	if err := export(api.New()); err != nil {
		t.Fatal(err)
	}
	g, _ := safejs.Global().Get("peek32Go")
	if v, _ := g.Get("version"); v.Type() != safejs.TypeString {
		t.Errorf("peek32Go.version is %v, want a string", v.Type())
	}

	// A JSON result.
	res := jsCall(t, "version", "")
	s, err := field(t, res, "json").String()
	if err != nil {
		t.Fatal(err)
	}
	var ver struct{ API string }
	if err := json.Unmarshal([]byte(s), &ver); err != nil || ver.API != api.Version {
		t.Errorf("version -> %q (%v), want api %s", s, err, api.Version)
	}

	// Bytes in (a Uint8Array), JSON out.
	u8, _ := safejs.Global().Get("Uint8Array")
	arr, err := u8.New(5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := safejs.CopyBytesToJS(arr, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	res = jsCall(t, "inspect", "", arr)
	if s, err := field(t, res, "json").String(); err != nil || !json.Valid([]byte(s)) {
		t.Errorf("inspect(Uint8Array) -> %q, %v", s, err)
	}

	// Bytes out: a machine's file comes back as a Uint8Array.
	jsCall(t, "boot", "{}")
	jsCall(t, "addFile", `{"path":"C:\\a.bin"}`, arr)
	res = jsCall(t, "readFile", `{"path":"C:\\a.bin"}`)
	b := field(t, res, "bytes")
	got := make([]byte, 5)
	if n, err := safejs.CopyBytesToGo(got, b); err != nil || n != 5 || string(got) != "hello" {
		t.Errorf("readFile -> %q (%d, %v), want hello", got, n, err)
	}

	// Errors come back as {error, kind}, never as a throw.
	res = jsCall(t, "run", `{"budget": 0}`)
	if k, _ := field(t, res, "kind").String(); k != "argument" {
		t.Errorf("run(budget 0) kind = %q, want argument", k)
	}
	res = jsCall(t, "nonsense")
	if e, _ := field(t, res, "error").String(); e == "" {
		t.Error("unknown method: no error text")
	}
	res = jsCall(t, "inspect", "", "not bytes")
	if k, _ := field(t, res, "kind").String(); k != "argument" {
		t.Errorf("inspect(string) kind = %q, want argument (bytes missing)", k)
	}
	res = jsCall(t)
	if e, _ := field(t, res, "error").String(); e == "" {
		t.Error("call(): no error text")
	}
}
