/* Writes a file through a writable file-backed view and exits without unmapping it or closing a handle: the
 * dirty view is written back when the process ends (checked by core/win32/xproc_test.go on the machine's file
 * system). */
#include <windows.h>
#include <stdio.h>

int main(void) {
    HANDLE f = CreateFileA("mapexit.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    /* A section larger than the (empty) file extends the file to its size. */
    HANDLE m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 16, NULL);
    char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    if (!v) { printf("MapViewOfFile failed %lu\n", GetLastError()); return 1; }
    memcpy(v, "written at exit!", 16);
    printf("file size while mapped: %lu\n", GetFileSize(f, NULL));
    ExitProcess(0);
}
