package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/peek32/peek32/core"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/loader"
)

// guestCwd is the guest path of the host's current directory.
const guestCwd = `C:\work`

func runCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trace := fs.String("trace", "", "write one JSON object per line for every event to `FILE`")
	maxInstr := fs.Uint64("max-instructions", 0, "stop the program after `N` instructions")
	timeout := fs.Duration("timeout", 0, "stop the program after `DURATION` of host time")
	verbose := fs.Bool("verbose", false, "print the process timeline and full error detail on stderr")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	prog, progArgs := fs.Arg(0), fs.Args()[1:]
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "peek32: "+format+"\n", a...) }

	data, err := os.ReadFile(prog)
	if errors.Is(err, os.ErrNotExist) && filepath.Ext(prog) == "" {
		// cmd.exe finds PROG as PROG.exe (PATHEXT).
		if d, err2 := os.ReadFile(prog + ".exe"); err2 == nil {
			prog, data, err = prog+".exe", d, nil
		}
	}
	if err != nil {
		say("cannot read %s: %v", prog, errors.Unwrap(err))
		return exitNoStart
	}
	if _, err := loader.Parse(data, loader.DefaultLimits()); err != nil {
		say("%s: %v", prog, err)
		if *verbose {
			// The detail: what the file is (format, kind of refusal, sizes) and what the PE view noticed.
			if r, ierr := core.Inspect(data); ierr == nil {
				say("  format %s, %d bytes, sha256 %s, refused as %s", r.Format, r.Size, r.SHA256, loader.KindOf(err))
				for _, a := range r.Anomalies {
					say("  anomaly: %s", a)
				}
			}
		}
		return exitNoStart
	}
	cwd, err := os.Getwd()
	if err != nil {
		say("%v", err)
		return exitInternal
	}
	files := vfs.NewFS()
	if err := files.Mount(guestCwd, cwd); err != nil {
		say("cannot use the current directory: %v", err)
		return exitInternal
	}
	absProg, _ := filepath.Abs(prog)
	guestProg := ""
	if rel, err := filepath.Rel(cwd, absProg); err == nil && !strings.HasPrefix(rel, "..") {
		guestProg = guestCwd + `\` + strings.ReplaceAll(rel, "/", `\`)
	} else {
		// The program lives elsewhere: its directory is mounted at C:\program, so DLLs next to it load.
		if err := files.Mount(`C:\program`, filepath.Dir(absProg)); err != nil {
			say("cannot use the program's directory: %v", err)
			return exitInternal
		}
		guestProg = `C:\program\` + filepath.Base(absProg)
	}

	var tw *bufio.Writer
	var tf *os.File
	if *trace != "" {
		tf, err = os.Create(*trace)
		if err != nil {
			say("cannot create the trace file: %v", err)
			return exitUsage
		}
		defer tf.Close()
		tw = bufio.NewWriterSize(tf, 1<<16)
		defer tw.Flush()
	}
	var crash, unimpl, failed string
	var progPID uint32
	enc := json.NewEncoder(tw)
	onEvent := func(e core.Event) {
		if tw != nil {
			_ = enc.Encode(e)
		}
		switch e.Kind {
		case "crash":
			crash = e.Text
		case "unimplemented":
			unimpl = e.Text
		case "error":
			if e.PID != 0 && e.PID == progPID { // the program itself could not start (a DllMain said no)
				failed = e.Text
			}
		}
		if *verbose {
			switch e.Kind {
			case "api", "console":
			default:
				if e.Text != "" {
					fmt.Fprintf(stderr, "peek32: [%s pid=%d tid=%d] %s\n", e.Kind, e.PID, e.TID, firstLine(e.Text))
				}
			}
		}
	}
	var deadline time.Time
	if *timeout > 0 {
		deadline = time.Now().Add(*timeout)
	}
	// Standard input is read by a goroutine and never blocks the machine: a guest read that finds nothing
	// blocks only its thread (the others, and other processes, go on, as on Windows), and the loop below hands
	// the next chunk to the console when it comes (see stdinPump).
	pump := newStdinPump(stdin)
	m, err := core.NewMachine(core.Config{MaxInstructions: *maxInstr, TraceAPI: tw != nil, Stdin: pump,
		Stdout: stdout, Stderr: stderr, OnEvent: onEvent, DropEvents: true, FS: files})
	if err != nil {
		say("cannot start the machine: %v", err)
		return exitInternal
	}
	pi, err := m.CreateProcess(core.CommandLine(guestProg, progArgs), core.ProcessOptions{ImagePath: guestProg, CurrentDir: guestCwd})
	progPID = pi.PID
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, filepath.Base(prog)+" ") { // the kernel's errors name the program already
			msg = filepath.Base(prog) + " cannot start: " + msg
		}
		say("%s", msg)
		return exitNoStart
	}
	timedOut := func() int {
		m.EndAll(0x102) // STATUS_TIMEOUT, the code --max-instructions ends programs with too
		say("the program was stopped after --timeout %v", *timeout)
		return exitBound
	}
	// feed hands a chunk of input (ok false: the end of it) to the program's console, waking its reader.
	feed := func(chunk []byte, ok bool) {
		pump.starved = false
		if len(pump.rest) > 0 { // another thread's read took a chunk meanwhile: its rest comes first
			_ = m.WriteStdin(progPID, pump.rest)
			pump.rest = nil
		}
		if ok && len(chunk) > 0 {
			_ = m.WriteStdin(progPID, chunk)
		} else if !ok {
			pump.eof = true
			_ = m.CloseStdin(progPID)
		}
	}
	for {
		if pump.starved { // a thread waits for input: give it what has come since, without waiting
			select {
			case chunk, ok := <-pump.chunks:
				feed(chunk, ok)
			default:
				if len(pump.rest) > 0 {
					feed(nil, true)
				}
			}
		}
		st := m.Run(2_000_000)
		switch st.Status {
		case "running":
			if !deadline.IsZero() && time.Now().After(deadline) {
				return timedOut()
			}
			continue
		case "exited":
			if failed != "" {
				say("%s: %s", filepath.Base(prog), failed)
			} else if unimpl != "" {
				say("%s", unimpl)
			} else if crash != "" {
				if *verbose {
					say("%s", crash)
				} else {
					say("%s", firstLine(crash))
				}
			}
			return int(st.ExitCode & 0xFF)
		case "limit":
			say("the program was stopped after --max-instructions %d", *maxInstr)
			return exitBound
		case "idle":
			if pump.starved {
				// Every thread that could run waits for input: wait for the host's next chunk (or the end of
				// the input), up to the deadline.
				if len(pump.rest) > 0 {
					feed(nil, true)
					continue
				}
				var expired <-chan time.Time
				var timer *time.Timer
				if !deadline.IsZero() {
					timer = time.NewTimer(time.Until(deadline))
					expired = timer.C
				}
				select {
				case chunk, ok := <-pump.chunks:
					if timer != nil {
						timer.Stop()
					}
					feed(chunk, ok)
					continue
				case <-expired:
					return timedOut()
				}
			}
			if !deadline.IsZero() && !time.Now().Before(deadline) {
				return timedOut()
			}
			// Input ended and every thread waits for more: nothing can happen any more.
			say("the program is waiting for input that will not come")
			return exitInternal
		case "deadlock":
			say("%s", st.Message)
			return exitInternal
		case "error":
			if *verbose {
				say("%s", st.Message)
			} else {
				say("%s", firstLine(st.Message))
			}
			return exitInternal
		default:
			say("stopped: %s %s", st.Status, st.Message)
			return exitInternal
		}
	}
}

// stdinPump is the program's standard input: a goroutine reads the host's standard input into chunks, and Read
// (called by the console when a guest thread reads) takes what has come without waiting. With nothing there it
// returns core.ErrNoInput, so the reading thread blocks on its console and the machine runs its other threads;
// starved records that, and the run loop then feeds the next chunk with Machine.WriteStdin (or ends the input
// with CloseStdin), which wakes the reader. Input flows only as the guest asks for it (one chunk is held while
// no thread reads), so a program that never reads does not make peek32 buffer all of its input.
//
// Input redirected from a regular file is read as it is asked for (see wait), so such runs stay deterministic.
//
// Only the run loop's goroutine touches rest, eof and starved (Read is called from inside Machine.Run).
type stdinPump struct {
	chunks  chan []byte // the host's input in chunks; closed at its end (or a read error)
	rest    []byte      // what Read has taken from chunks and not yet given
	eof     bool        // chunks is closed and drained
	starved bool        // a read found nothing: a thread waits on the console for the next chunk
	// wait makes Read wait for the next chunk instead of returning core.ErrNoInput. It is set when the host's
	// input is a regular file: reading it never waits on a person, so waiting keeps runs deterministic (the
	// same file gives the same interleaving of a multithreaded program, every run).
	wait bool
}

func newStdinPump(r io.Reader) *stdinPump {
	p := &stdinPump{chunks: make(chan []byte)}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			p.wait = true
		}
	}
	if r == nil { // no input: reads see its end
		close(p.chunks)
		return p
	}
	go func() {
		defer close(p.chunks)
		for {
			buf := make([]byte, 64<<10)
			n, err := r.Read(buf)
			if n > 0 {
				p.chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *stdinPump) Read(b []byte) (int, error) {
	if len(p.rest) == 0 && !p.eof {
		if p.wait {
			chunk, ok := <-p.chunks
			p.rest, p.eof = chunk, !ok
		} else {
			select {
			case chunk, ok := <-p.chunks:
				p.rest, p.eof = chunk, !ok
			default:
				p.starved = true
				return 0, core.ErrNoInput
			}
		}
	}
	if len(p.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
