//go:build js && wasm

// Command wasm is peek32 for the browser: built with GOOS=js GOARCH=wasm, it runs inside a Web Worker
// (site/worker.js) or a Node worker thread and exposes the JS API of package api as one global object:
//
//	globalThis.peek32Go = { version: "0.1.0", call(method, argsJSON, bytes) }
//
// call returns {json: string} (the JSON text of the result), {bytes: Uint8Array} (file contents, memory),
// or {error: string, kind: string} (see api.ErrorKind). It never throws for a guest's fault: bad arguments
// and emulator panics come back as errors. All JS access goes through safejs, so a JS exception becomes a Go
// error, not a crash. The worker script (site/engine.js) owns scheduling: it calls "run" with a bounded budget
// per slice and yields to its event loop in between, so this program never blocks.
package main

import (
	"fmt"
	"os"

	"github.com/hack-pad/safejs"

	"github.com/peek32/peek32/wasm/api"
)

func main() {
	if err := export(api.New()); err != nil {
		fmt.Fprintln(os.Stderr, "peek32: cannot export the JS API:", err)
		os.Exit(1)
	}
	select {} // serve calls from JS forever
}

// export installs globalThis.peek32Go for session s.
func export(s *api.Session) error {
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		v, err := call(s, args)
		if err != nil {
			out, err2 := safejs.ValueOf(map[string]any{"error": err.Error(), "kind": api.ErrorKind(err)})
			if err2 != nil {
				return nil // cannot even build an error object; the JS side reports a missing result
			}
			return out
		}
		return v
	})
	if err != nil {
		return err
	}
	obj, err := safejs.ValueOf(map[string]any{"version": api.Version})
	if err != nil {
		return err
	}
	if err := obj.Set("call", fn.Value()); err != nil {
		return err
	}
	return safejs.Global().Set("peek32Go", obj)
}

// call decodes (method, argsJSON, bytes) from JS, runs the method and encodes its result.
func call(s *api.Session, args []safejs.Value) (safejs.Value, error) {
	if len(args) < 1 {
		return safejs.Value{}, fmt.Errorf("call(method, argsJSON, bytes): method missing")
	}
	method, err := args[0].String()
	if err != nil {
		return safejs.Value{}, fmt.Errorf("call: method must be a string: %w", err)
	}
	req := &api.Request{Method: method}
	if len(args) > 1 && args[1].Type() == safejs.TypeString {
		a, err := args[1].String()
		if err != nil {
			return safejs.Value{}, err
		}
		req.Args = []byte(a)
	}
	if len(args) > 2 && args[2].Type() == safejs.TypeObject {
		n, err := args[2].Length()
		if err != nil {
			return safejs.Value{}, fmt.Errorf("%s: the bytes argument must be a Uint8Array: %w", method, err)
		}
		req.Data = make([]byte, n)
		if _, err := safejs.CopyBytesToGo(req.Data, args[2]); err != nil {
			return safejs.Value{}, fmt.Errorf("%s: the bytes argument must be a Uint8Array: %w", method, err)
		}
	}
	out, isBytes, err := s.CallJSON(req)
	if err != nil {
		return safejs.Value{}, err
	}
	res, err := safejs.ValueOf(map[string]any{})
	if err != nil {
		return safejs.Value{}, err
	}
	if !isBytes {
		return res, res.Set("json", string(out))
	}
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	arr, err := u8.New(len(out))
	if err != nil {
		return safejs.Value{}, err
	}
	if _, err := safejs.CopyBytesToJS(arr, out); err != nil {
		return safejs.Value{}, err
	}
	return res, res.Set("bytes", arr)
}
