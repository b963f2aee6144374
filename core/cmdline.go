package core

import "strings"

// QuoteArg quotes one argument so that msvcrt's (and CommandLineToArgvW's) parser gives it back unchanged:
// an argument without blanks or quotes is left alone; otherwise it is wrapped in quotes, a quote becomes \",
// and backslashes are doubled where they precede a quote (including the closing one).
func QuoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\v\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			n++
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*n+1))
			b.WriteByte('"')
			n = 0
		default:
			b.WriteString(strings.Repeat(`\`, n))
			b.WriteByte(c)
			n = 0
		}
	}
	b.WriteString(strings.Repeat(`\`, 2*n))
	b.WriteByte('"')
	return b.String()
}

// CommandLine joins a program path and arguments into one Windows command line: the program name is quoted
// if it has blanks (argv[0] is taken verbatim, between quotes), the arguments with QuoteArg.
func CommandLine(program string, args []string) string {
	var b strings.Builder
	if strings.ContainsAny(program, " \t") {
		b.WriteString(`"` + program + `"`)
	} else {
		b.WriteString(program)
	}
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(QuoteArg(a))
	}
	return b.String()
}
