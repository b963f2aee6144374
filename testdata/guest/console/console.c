/* console.c: the console screen-buffer API (colours and cursor) as a program uses it to paint its console.
 *
 * Every call goes to the standard output handle, a console. peek32 turns the calls into ANSI sequences in the
 * console output the page renders (core/win32/kernel32_conscreen.go); expected.txt is the whole console
 * stream, sequences included. Last, the same calls on a file handle must fail with ERROR_INVALID_HANDLE (6),
 * as on Windows, and put nothing on the console.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static HANDLE out;

static void put(const char *s) {
	DWORD n;
	WriteConsoleA(out, s, (DWORD)strlen(s), &n, NULL);
}

static void putf(const char *fmt, int a, int b, int c) {
	char buf[128];
	sprintf(buf, fmt, a, b, c);
	put(buf);
}

int main(void) {
	CONSOLE_SCREEN_BUFFER_INFO info;
	DWORD n;
	COORD at;
	WORD old;
	HANDLE f;
	BOOL ok;

	out = GetStdHandle(STD_OUTPUT_HANDLE);
	if (!GetConsoleScreenBufferInfo(out, &info)) {
		printf("standard output is not a console (error %lu)\n", GetLastError());
		return 1;
	}
	old = info.wAttributes;
	putf("buffer %dx%d, attribute %02x\n", info.dwSize.X, info.dwSize.Y, old);

	put("plain ");
	SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_INTENSITY);
	put("red");
	SetConsoleTextAttribute(out, FOREGROUND_GREEN | BACKGROUND_BLUE);
	put(" green-on-blue");
	SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_INTENSITY | BACKGROUND_RED);
	put(" yellow-on-red");
	SetConsoleTextAttribute(out, old);
	put(" plain\n");

	GetConsoleScreenBufferInfo(out, &info);
	putf("cursor at %d,%d attribute %02x\n", info.dwCursorPosition.X, info.dwCursorPosition.Y, info.wAttributes);

	/* Overwrite the "p" of "plain" on row 1 with "P", then come back. */
	at.X = 0;
	at.Y = 1;
	SetConsoleCursorPosition(out, at);
	SetConsoleTextAttribute(out, FOREGROUND_BLUE | FOREGROUND_GREEN | FOREGROUND_INTENSITY);
	put("P");
	SetConsoleTextAttribute(out, old);
	at.Y = 3;
	SetConsoleCursorPosition(out, at);

	/* A row of dashes filled in, not written: the cursor stays where it is. */
	at.X = 40;
	at.Y = 3;
	FillConsoleOutputCharacterA(out, '-', 6, at, &n);
	FillConsoleOutputAttribute(out, FOREGROUND_RED, 6, at, &n);
	GetConsoleScreenBufferInfo(out, &info);
	putf("filled %d, cursor at %d,%d\n", (int)n, info.dwCursorPosition.X, info.dwCursorPosition.Y);

	/* Not a console: each call fails with ERROR_INVALID_HANDLE. */
	f = CreateFileA("console.tmp", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	SetLastError(0);
	ok = SetConsoleTextAttribute(f, FOREGROUND_RED);
	putf("file: SetConsoleTextAttribute %d error %d", ok, (int)GetLastError(), 0);
	SetLastError(0);
	ok = GetConsoleScreenBufferInfo(f, &info);
	putf(", GetConsoleScreenBufferInfo %d error %d\n", ok, (int)GetLastError(), 0);
	CloseHandle(f);
	DeleteFileA("console.tmp");
	return 0;
}
