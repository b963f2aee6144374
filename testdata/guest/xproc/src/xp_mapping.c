/* Named file mappings shared between a parent and its child, a copy-on-write view, a file-backed view.
 * Run without arguments: the parent. It starts itself with the argument "child". */
#include <windows.h>
#include <stdio.h>
#include <string.h>

/* Prints a call's result and the last error it left (evaluated in that order). */
#define SHOW(label, fmt, call) do { SetLastError(0xDEAD); unsigned long r_ = (unsigned long)(call); \
    printf("%s: " fmt " error %lu\n", label, r_, GetLastError()); } while (0)

static int child(void) {
    HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "Local\\xp_shared");
    if (!h) { printf("child: OpenFileMapping failed %lu\n", GetLastError()); return 1; }
    char *v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!v) { printf("child: MapViewOfFile failed %lu\n", GetLastError()); return 1; }
    printf("child read: %s\n", v);
    /* A second CreateFileMapping of the name opens the same section. */
    HANDLE h2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "xp_shared");
    printf("child create again: %s, error %lu\n", h2 ? "handle" : "NULL", GetLastError());
    char *v2 = MapViewOfFile(h2, FILE_MAP_WRITE, 0, 0, 16);
    strcpy(v2 + 100, "reply from the child");
    printf("child sees own write through the first view: %s\n", v + 100);
    UnmapViewOfFile(v2);
    UnmapViewOfFile(v);
    CloseHandle(h2);
    CloseHandle(h);
    return 7;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();

    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, "Local\\xp_shared");
    printf("create: %s, error %lu\n", h ? "handle" : "NULL", GetLastError());
    char *v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(v, &mbi, sizeof mbi);
    printf("view: type %s, protect 0x%lx, zero %d\n", mbi.Type == MEM_MAPPED ? "MEM_MAPPED" : "other", mbi.Protect, v[5000] == 0);
    strcpy(v, "hello from the parent");

    /* Copy-on-write view: sees the section, its own writes stay private. */
    char *cow = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
    VirtualQuery(cow, &mbi, sizeof mbi);
    printf("cow view protect 0x%lx, reads: %s\n", mbi.Protect, cow);
    strcpy(cow, "private");
    printf("after cow write: cow=%s shared=%s\n", cow, v);
    strcpy(v + 8192, "later shared write");
    printf("cow sees a change to a page it has not written: %s\n", cow + 8192);

    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16];
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code;
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit %lu, parent reads: %s\n", code, v + 100);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Errors. */
    int local;
    SHOW("unmap a non-view", "%lu", UnmapViewOfFile(&local));
    SHOW("unaligned offset", "%lu", MapViewOfFile(h, FILE_MAP_READ, 0, 4096, 16));
    SHOW("open missing", "%lu", OpenFileMappingA(FILE_MAP_READ, FALSE, "xp_nope"));
    SHOW("zero-size pagefile section", "%lu", CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL));
    SHOW("bad protection", "%lu", CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, 4096, NULL));
    SHOW("bad handle", "%lu", MapViewOfFile((HANDLE)0x1234, FILE_MAP_READ, 0, 0, 0));
    /* Sections share the namespace with the other named objects. */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, "xp_taken");
    SHOW("mapping under an event's name", "%lu", CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "xp_taken"));
    SHOW("OpenFileMapping of an event's name", "%lu", OpenFileMappingA(FILE_MAP_READ, FALSE, "xp_taken"));
    SHOW("event under a mapping's name", "%lu", CreateEventA(NULL, TRUE, FALSE, "Local\\xp_shared"));
    SHOW("a name in a missing directory", "%lu", OpenFileMappingA(FILE_MAP_READ, FALSE, "xp_dir\\x"));
    CloseHandle(ev);
    HANDLE ro = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 4096, NULL);
    SHOW("write view of a read-only section", "%lu", MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0));
    SHOW("view past the end", "%lu", MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 8192));
    CloseHandle(ro);
    UnmapViewOfFile(cow);
    UnmapViewOfFile(v);
    CloseHandle(h);
    SHOW("name gone after the last close", "%lu", OpenFileMappingA(FILE_MAP_READ, FALSE, "xp_shared"));

    /* File-backed: the view reads the file; a write through the view reaches the file on unmap. */
    HANDLE f = CreateFileA("xp_map.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n;
    WriteFile(f, "abcdefghij", 10, &n, NULL);
    HANDLE fm = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    char *fv = MapViewOfFile(fm, FILE_MAP_WRITE, 0, 0, 0);
    printf("file view: %.10s\n", fv);
    fv[0] = 'X';
    fv[9] = 'Y';
    FlushViewOfFile(fv, 0);
    UnmapViewOfFile(fv);
    CloseHandle(fm);
    char buf[16] = {0};
    SetFilePointer(f, 0, NULL, FILE_BEGIN);
    ReadFile(f, buf, 10, &n, NULL);
    printf("file after unmap: %s (%lu bytes)\n", buf, n);
    CloseHandle(f);
    DeleteFileA("xp_map.txt");
    return 0;
}
