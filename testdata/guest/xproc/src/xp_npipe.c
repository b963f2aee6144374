/* A named pipe between a parent (server) and its child (client), and the pipe's error paths.
 * Run without arguments: the parent. It starts itself with the argument "child". */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define SHOW(label, call) do { SetLastError(0xDEAD); unsigned long r_ = (unsigned long)(call); \
    printf("%s: %ld error %lu\n", label, (long)r_, GetLastError()); } while (0)
#define PIPE "\\\\.\\pipe\\xp_pipe"
#define MSGPIPE "\\\\.\\pipe\\xp_msgpipe"

static int child(void) {
    if (!WaitNamedPipeA(PIPE, NMPWAIT_WAIT_FOREVER)) { printf("child: WaitNamedPipe %lu\n", GetLastError()); return 1; }
    HANDLE h = CreateFileA(PIPE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) { printf("child: CreateFile %lu\n", GetLastError()); return 1; }
    DWORD mode = PIPE_READMODE_BYTE, n;
    SetNamedPipeHandleState(h, &mode, NULL, NULL);
    WriteFile(h, "ping from the child", 19, &n, NULL);
    char buf[64] = {0};
    ReadFile(h, buf, sizeof buf - 1, &n, NULL);
    printf("child got %lu bytes: %s\n", n, buf);
    CloseHandle(h);
    return 3;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();

    SHOW("open before any server", CreateFileA(PIPE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL));
    SHOW("wait before any server", WaitNamedPipeA(PIPE, 10));
    SHOW("bad name", CreateNamedPipeA("\\\\.\\notpipe\\x", PIPE_ACCESS_DUPLEX, 0, 1, 512, 512, 0, NULL));
    /* nMaxInstances must be 1..PIPE_UNLIMITED_INSTANCES (the documentation); Wine 8 accepts 0 (README.md). */
    HANDLE z = CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX, 0, 0, 512, 512, 0, NULL);
    printf("zero instances: %s\n", z == INVALID_HANDLE_VALUE ? "fails" : "accepted");
    if (z != INVALID_HANDLE_VALUE) CloseHandle(z);
    HANDLE srv = CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                  PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 2, 4096, 4096, 0, NULL);
    printf("server created: %d\n", srv != INVALID_HANDLE_VALUE);
    SHOW("first instance again", CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0, 1, 512, 512, 0, NULL));
    HANDLE second = CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX, 0, 2, 512, 512, 0, NULL);
    printf("second instance: %d\n", second != INVALID_HANDLE_VALUE);
    SHOW("third instance past the maximum", CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX, 0, 2, 512, 512, 0, NULL));
    CloseHandle(second);
    printf("file type pipe: %d\n", GetFileType(srv) == FILE_TYPE_PIPE);

    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16], self[MAX_PATH];
    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    if (!ConnectNamedPipe(srv, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) {
        printf("ConnectNamedPipe %lu\n", GetLastError());
        return 1;
    }
    printf("connected\n");
    SHOW("another client while connected", CreateFileA(PIPE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL));
    char buf[64] = {0};
    DWORD n, avail = 0;
    ReadFile(srv, buf, sizeof buf - 1, &n, NULL);
    printf("server got %lu bytes: %s\n", n, buf);
    WriteFile(srv, "pong", 4, &n, NULL);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code;
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit %lu\n", code);
    SHOW("peek after the client closed", PeekNamedPipe(srv, NULL, 0, NULL, &avail, NULL));
    SHOW("read after the client closed", ReadFile(srv, buf, 4, &n, NULL));
    SHOW("write after the client closed", WriteFile(srv, "x", 1, &n, NULL));
    SHOW("connect before disconnecting", ConnectNamedPipe(srv, NULL));
    SHOW("disconnect", DisconnectNamedPipe(srv));

    SHOW("open while disconnected", CreateFileA(PIPE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL));
    CloseHandle(srv);

    /* A new instance and a client in this process that comes before ConnectNamedPipe: data, peek, then
     * disconnect cuts the client off. */
    srv = CreateNamedPipeA(PIPE, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    HANDLE cl = CreateFileA(PIPE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    SHOW("connect after the client came", ConnectNamedPipe(srv, NULL));
    WriteFile(cl, "abc", 3, &n, NULL);
    memset(buf, 0, sizeof buf);
    PeekNamedPipe(srv, buf, sizeof buf, &n, &avail, NULL);
    printf("peek: %lu read, %lu available: %s\n", n, avail, buf);
    SHOW("disconnect with a client", DisconnectNamedPipe(srv));
    SHOW("client read after disconnect", ReadFile(cl, buf, 4, &n, NULL));
    SHOW("client write after disconnect", WriteFile(cl, "x", 1, &n, NULL));
    CloseHandle(cl);
    CloseHandle(srv);
    SHOW("open after the server closed", CreateFileA(PIPE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL));

    /* A message pipe (under its own name) keeps write boundaries for readers in message mode. */
    srv = CreateNamedPipeA(MSGPIPE, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, NULL);
    cl = CreateFileA(MSGPIPE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    WriteFile(cl, "one", 3, &n, NULL);
    WriteFile(cl, "two!", 4, &n, NULL);
    DWORD left = 99;
    PeekNamedPipe(srv, NULL, 0, NULL, &avail, &left);
    printf("message peek: %lu available, %lu left in this message\n", avail, left);
    for (int i = 0; i < 2; i++) {
        memset(buf, 0, sizeof buf);
        ReadFile(srv, buf, sizeof buf, &n, NULL);
        printf("message %d: %lu bytes \"%s\"\n", i, n, buf);
    }
    WriteFile(srv, "a", 1, &n, NULL);
    WriteFile(srv, "bc", 2, &n, NULL);
    memset(buf, 0, sizeof buf);
    ReadFile(cl, buf, sizeof buf, &n, NULL);
    printf("client in byte mode reads across messages: %lu bytes \"%s\"\n", n, buf);
    DWORD mode = PIPE_READMODE_MESSAGE;
    SHOW("client to message mode", SetNamedPipeHandleState(cl, &mode, NULL, NULL));
    WriteFile(srv, "de", 2, &n, NULL);
    WriteFile(srv, "f", 1, &n, NULL);
    memset(buf, 0, sizeof buf);
    ReadFile(cl, buf, sizeof buf, &n, NULL);
    printf("client in message mode: %lu bytes \"%s\"\n", n, buf);
    CloseHandle(cl);
    CloseHandle(srv);
    HANDLE bp = CreateNamedPipeA("\\\\.\\pipe\\xp_bytepipe", PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    SHOW("message read mode on a byte pipe", SetNamedPipeHandleState(bp, &mode, NULL, NULL));
    SHOW("message read mode at creation of a byte pipe", CreateNamedPipeA("\\\\.\\pipe\\xp_other", PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, NULL));
    CloseHandle(bp);
    return 0;
}
