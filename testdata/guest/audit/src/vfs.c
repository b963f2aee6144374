/* vfs: the file functions of issue 4 and the last-error values Windows gives them. Expectations from
 * Microsoft's documentation of each function (CreateFile's dispositions and their ERROR_ALREADY_EXISTS /
 * ERROR_FILE_EXISTS, ReadFile/WriteFile, SetFilePointer(Ex), GetFileSize(Ex), GetFileAttributes(Ex),
 * FindFirstFile/FindNextFile (ERROR_NO_MORE_FILES at the end, ERROR_FILE_NOT_FOUND when nothing matches),
 * DeleteFile, CreateDirectory, RemoveDirectory, MoveFile, GetFullPathName, GetTempPath) and "Naming Files,
 * Paths, and Namespaces" (names are case-insensitive; / and \ both separate). Directory listings come back in
 * NTFS order (". " and ".." first, then by upper-cased name). It works in the current directory, which must
 * be empty of the names it uses. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void show(const char *what, BOOL ok)
{
    printf("%s: %s, error %lu\n", what, ok ? "ok" : "failed", ok ? 0 : GetLastError());
}

static HANDLE open_(const char *name, DWORD access, DWORD share, DWORD disp)
{
    return CreateFileA(name, access, share, NULL, disp, FILE_ATTRIBUTE_NORMAL, NULL);
}

static void list(const char *pattern)
{
    WIN32_FIND_DATAA fd;
    HANDLE f = FindFirstFileA(pattern, &fd);
    printf("FindFirstFile(%s):", pattern);
    if (f == INVALID_HANDLE_VALUE) {
        printf(" none, error %lu\n", GetLastError());
        return;
    }
    do
        printf(" %s%s", fd.cFileName, fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY ? "/" : "");
    while (FindNextFileA(f, &fd));
    printf(" (end: error %lu)\n", GetLastError());
    FindClose(f);
}

int main(void)
{
    HANDLE h, h2;
    DWORD n, hi, attr;
    LARGE_INTEGER li, pos;
    char buf[64], cwd[MAX_PATH], full[MAX_PATH], want[MAX_PATH], *filepart;
    WIN32_FILE_ATTRIBUTE_DATA ad;

    h = open_("Audit.TXT", GENERIC_READ | GENERIC_WRITE, 0, CREATE_NEW);
    printf("CreateFile(CREATE_NEW, new): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    show("WriteFile 10 bytes", WriteFile(h, "0123456789", 10, &n, NULL) && n == 10);
    hi = 99;
    n = GetFileSize(h, &hi);
    printf("GetFileSize: %lu, high %lu\n", n, hi);
    li.QuadPart = 0;
    show("GetFileSizeEx", GetFileSizeEx(h, &li));
    printf("  size %ld\n", (long)li.QuadPart);
    printf("SetFilePointer(4, FILE_BEGIN): %lu\n", SetFilePointer(h, 4, NULL, FILE_BEGIN));
    memset(buf, 0, sizeof buf);
    show("ReadFile", ReadFile(h, buf, 3, &n, NULL));
    printf("  read %lu: %s\n", n, buf);
    li.QuadPart = -2;
    show("SetFilePointerEx(-2, FILE_END)", SetFilePointerEx(h, li, &pos, FILE_END));
    printf("  position %ld\n", (long)pos.QuadPart);
    show("ReadFile at 8", ReadFile(h, buf, 10, &n, NULL));
    buf[n] = 0;
    printf("  read %lu: %s\n", n, buf);
    show("ReadFile at the end", ReadFile(h, buf, 10, &n, NULL));
    printf("  read %lu\n", n);
    h2 = open_("audit.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    printf("CreateFile while open without sharing: %s, error %lu\n", h2 != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    CloseHandle(h);

    h = open_("AUDIT.txt", GENERIC_WRITE, 0, CREATE_NEW);
    printf("CreateFile(CREATE_NEW, exists): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    h = open_("audit.TXT", GENERIC_READ, FILE_SHARE_READ, OPEN_ALWAYS);
    printf("CreateFile(OPEN_ALWAYS, exists): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    CloseHandle(h);
    h = open_("fresh.txt", GENERIC_WRITE, 0, OPEN_ALWAYS);
    printf("CreateFile(OPEN_ALWAYS, new): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    WriteFile(h, "abc", 3, &n, NULL);
    CloseHandle(h);
    h = open_("fresh.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    printf("CreateFile(CREATE_ALWAYS, exists): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    printf("  size after CREATE_ALWAYS %lu\n", GetFileSize(h, NULL));
    WriteFile(h, "xy", 2, &n, NULL);
    CloseHandle(h);
    h = open_("missing.txt", GENERIC_READ, 0, OPEN_EXISTING);
    printf("CreateFile(OPEN_EXISTING, missing): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    h = open_("nodir\\x.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    printf("CreateFile in a missing directory: %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    h = open_("fresh.txt", GENERIC_WRITE, 0, TRUNCATE_EXISTING);
    printf("CreateFile(TRUNCATE_EXISTING): %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());
    printf("  size after truncation %lu\n", GetFileSize(h, NULL));
    CloseHandle(h);

    show("CreateDirectory(sub)", CreateDirectoryA("sub", NULL));
    show("CreateDirectory(SUB) again", CreateDirectoryA("SUB", NULL));
    attr = GetFileAttributesA("Sub");
    printf("GetFileAttributes(Sub): directory %s\n", attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) ? "yes" : "no");
    attr = GetFileAttributesA("nothing");
    printf("GetFileAttributes(nothing): %s, error %lu\n", attr == INVALID_FILE_ATTRIBUTES ? "INVALID_FILE_ATTRIBUTES" : "found", GetLastError());
    show("GetFileAttributesEx(audit.txt)", GetFileAttributesExA("audit.txt", GetFileExInfoStandard, &ad));
    printf("  size %lu, directory %s\n", ad.nFileSizeLow, ad.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY ? "yes" : "no");
    h = open_("sub", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    printf("CreateFile on a directory: %s, error %lu\n", h != INVALID_HANDLE_VALUE ? "ok" : "failed", GetLastError());

    show("MoveFile(audit.txt, sub/moved.txt)", MoveFileA("audit.txt", "sub/moved.txt"));
    show("MoveFile onto an existing file", MoveFileA("fresh.txt", "SUB\\MOVED.TXT"));
    CloseHandle(open_("sub\\b.txt", GENERIC_WRITE, 0, CREATE_NEW));
    CloseHandle(open_("sub/A.txt", GENERIC_WRITE, 0, CREATE_NEW));
    list("sub\\*");
    list("SUB/*.TXT");
    list("sub\\*.none");
    show("RemoveDirectory(sub) while not empty", RemoveDirectoryA("sub"));
    show("DeleteFile(sub\\A.TXT)", DeleteFileA("sub\\A.TXT"));
    show("DeleteFile(sub\\A.TXT) again", DeleteFileA("sub\\A.TXT"));
    DeleteFileA("sub\\b.txt");
    DeleteFileA("sub\\moved.txt");
    show("RemoveDirectory(sub)", RemoveDirectoryA("sub"));
    show("DeleteFile(fresh.txt)", DeleteFileA("fresh.txt"));

    GetCurrentDirectoryA(MAX_PATH, cwd);
    n = GetFullPathNameA("sub\\..\\x.txt", MAX_PATH, full, &filepart);
    snprintf(want, sizeof want, "%s\\x.txt", cwd);
    printf("GetFullPathName(sub\\..\\x.txt) is the current directory + \\x.txt: %s, length right %s, file part %s\n",
           strcmp(full, want) == 0 ? "yes" : "no", n == strlen(want) ? "yes" : "no", filepart);
    n = GetFullPathNameA("C:/a/./b//c", MAX_PATH, full, NULL);
    printf("GetFullPathName(C:/a/./b//c): %s (%lu)\n", full, n);
    n = GetTempPathA(MAX_PATH, full);
    attr = GetFileAttributesA(full);
    printf("GetTempPath: ends with a backslash %s, is a directory %s\n", n > 0 && full[n - 1] == '\\' ? "yes" : "no",
           attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) ? "yes" : "no");
    return 0;
}
