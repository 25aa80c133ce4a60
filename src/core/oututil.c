/* oututil.c - escaping and path helpers for the machine formats and reports. */
#include "oututil.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "mtpe/format.h"

void mtpe__xml_escape(mtpe_buf *b, const char *s, size_t n)
{
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t': case '\n': case '\r': break;
		default:
			/* C0 controls and DEL are not allowed (or not wanted) in XML 1.0 text */
			if (c < 0x20 || c == 0x7f)
				rep = "\xEF\xBF\xBD";
		}
		if (rep) {
			mtpe_buf_put(b, s + run, i - run);
			mtpe_buf_puts(b, rep);
			run = i + 1;
		}
	}
	mtpe_buf_put(b, s + run, n - run);
}

void mtpe__json_str(mtpe_buf *b, const char *s)
{
	if (!s) {
		mtpe_buf_puts(b, "null");
		return;
	}
	mtpe_buf_putc(b, '"');
	mtpe_json_escape(b, s, strlen(s));
	mtpe_buf_putc(b, '"');
}

const char *mtpe__display_path(const char *path)
{
	char cwd[PATH_MAX];
	if (!path || path[0] != '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	size_t n = strlen(cwd);
	if (n == 1)
		return path + 1; /* cwd is / */
	if (!strncmp(path, cwd, n) && path[n] == '/') {
		const char *p = path + n;
		while (*p == '/')
			p++;
		if (*p)
			return p;
	}
	return path;
}

void mtpe__uri(mtpe_buf *b, const char *path)
{
	const char *p = mtpe__display_path(path);
	if (p[0] == '/')
		mtpe_buf_puts(b, "file://");
	else if (p[0] == '.' && p[1] == '/')
		p += 2;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			mtpe_buf_putc(b, (char)c);
		else
			mtpe_buf_printf(b, "%%%02X", c);
	}
}

void mtpe__csv_field(mtpe_buf *b, const char *s, size_t n)
{
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = true;
	if (!quote) {
		mtpe_buf_put(b, s, n);
		return;
	}
	mtpe_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			mtpe_buf_putc(b, '"');
		mtpe_buf_putc(b, s[i]);
	}
	mtpe_buf_putc(b, '"');
}
