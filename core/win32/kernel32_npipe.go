package win32

// pipeServer is a named pipe: its instances (kernel32_npipe.go).
type pipeServer struct{}
