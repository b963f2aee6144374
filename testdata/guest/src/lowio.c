/* lowio: msvcrt's descriptor I/O and directory functions (Microsoft: _open, _read, _write, _lseek, _close,
 * _access, _mkdir, _chdir, _getcwd, _rmdir, _findfirst): text-mode translation at the descriptor level
 * ("\n" written as "\r\n", read back as "\n"), _O_EXCL on an existing file (EEXIST = 17), a missing file (ENOENT
 * = 2), searches with wildcards, and directory changes that relative paths follow. Run in an empty directory. */
#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(void)
{
    char buf[64], cwd[260];
    int fd, n;
    long pos;
    intptr_t h;
    struct _finddata_t fdat;

    fd = _open("text.txt", _O_CREAT | _O_TRUNC | _O_WRONLY | _O_TEXT, _S_IREAD | _S_IWRITE);
    printf("open for writing: %s\n", fd >= 3 ? "ok" : "failed");
    printf("write: %d\n", _write(fd, "a\nb\n", 4));
    _close(fd);
    fd = _open("text.txt", _O_RDONLY | _O_BINARY);
    n = _read(fd, buf, sizeof buf);
    printf("binary read: %d bytes, CR at 1: %d\n", n, buf[1] == '\r');
    pos = _lseek(fd, 0, SEEK_SET);
    _close(fd);
    fd = _open("text.txt", _O_RDONLY | _O_TEXT);
    n = _read(fd, buf, sizeof buf);
    printf("text read: %d bytes [%.*s], lseek back %ld\n", n, n - 1, buf, pos);
    printf("_tell at end: %ld, _filelength %ld, _eof %d\n", _tell(fd), _filelength(fd), _eof(fd));
    _close(fd);

    errno = 0;
    fd = _open("text.txt", _O_CREAT | _O_EXCL | _O_WRONLY, _S_IWRITE);
    printf("_O_EXCL on existing: %d, errno %d\n", fd, errno);
    errno = 0;
    fd = _open("missing.txt", _O_RDONLY);
    printf("missing: %d, errno %d\n", fd, errno);
    printf("_access text.txt: %d, missing.txt: %d\n", _access("text.txt", 0), _access("missing.txt", 0));

    n = _mkdir("sub");
    printf("_mkdir sub: %d", n);
    n = _mkdir("sub");
    printf(", again: %d errno %d\n", n, errno);
    fd = _open("sub\\one.dat", _O_CREAT | _O_WRONLY | _O_BINARY, _S_IWRITE);
    _write(fd, "12345", 5);
    _close(fd);
    fd = _open("sub/two.dat", _O_CREAT | _O_WRONLY | _O_BINARY, _S_IWRITE);
    _close(fd);
    h = _findfirst("sub\\*.dat", &fdat);
    while (h != -1) {
        printf("found %s size %lu dir %d\n", fdat.name, (unsigned long)fdat.size, (fdat.attrib & _A_SUBDIR) != 0);
        if (_findnext(h, &fdat) != 0)
            break;
    }
    _findclose(h);
    errno = 0;
    h = _findfirst("sub\\*.zip", &fdat);
    printf("no match: %ld errno %d\n", (long)h, errno);

    _getcwd(cwd, sizeof cwd);
    printf("_chdir sub: %d\n", _chdir("sub"));
    _getcwd(buf, sizeof buf);
    printf("cwd now ends in \\sub: %d, one.dat here: %d\n", strlen(buf) > 4 && strcmp(buf + strlen(buf) - 4, "\\sub") == 0,
           _access("one.dat", 0) == 0);
    _chdir("..");
    _getcwd(buf, sizeof buf);
    printf("back: %d\n", strcmp(buf, cwd) == 0);
    n = _rmdir("sub");
    printf("_rmdir non-empty: %d errno %d\n", n, errno);
    remove("sub\\one.dat");
    remove("sub\\two.dat");
    printf("_rmdir empty: %d\n", _rmdir("sub"));
    remove("text.txt");
    return 0;
}
