/*
 * oututil.h - escaping and path helpers shared by the machine formats (SARIF,
 * checkstyle, github) and the reports (HTML, Markdown, CSV). Internal to
 * src/core. Every helper appends to a caller-owned mtpe_buf and relies on its
 * sticky oom flag; callers check b->oom once at the end.
 */
#ifndef MTPE_OUTUTIL_H
#define MTPE_OUTUTIL_H

#include "mtpe/common.h"

/* Escapes s[0..n) for XML/HTML text and attribute values (&<>"' and control characters). */
void mtpe__xml_escape(mtpe_buf *b, const char *s, size_t n);
static inline void mtpe__xml_escape_str(mtpe_buf *b, const char *s)
{
	if (s) {
		size_t n = 0;
		while (s[n])
			n++;
		mtpe__xml_escape(b, s, n);
	}
}
/* Appends a JSON string literal (with quotes); NULL gives null. */
void mtpe__json_str(mtpe_buf *b, const char *s);
/*
 * Returns path as shown in machine output: relative to the current directory
 * when it lies under it, unchanged otherwise. Borrowed from path or cwd-free
 * (points into path).
 */
const char *mtpe__display_path(const char *path);
/*
 * Appends a URI reference for path: a relative reference when the path is
 * relative (or under the current directory), file:///... when absolute;
 * every byte outside the unreserved set and '/' is percent-encoded.
 */
void mtpe__uri(mtpe_buf *b, const char *path);
/* Appends a CSV field, quoted per RFC 4180 when it holds , " CR or LF (or starts with space). */
void mtpe__csv_field(mtpe_buf *b, const char *s, size_t n);

#endif
