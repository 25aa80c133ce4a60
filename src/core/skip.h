/*
 * skip.h - the spans no rule looks inside: URLs, e-mail addresses, handles,
 * hashtags and domain names. check.c finds them with MTPE_SKIP_PATTERN
 * (caseless), only on the lines mtpe_skip_candidate() lets through.
 */
#ifndef MTPE_SKIP_H
#define MTPE_SKIP_H

#include <stdbool.h>
#include <stddef.h>

/* The top-level domains a bare domain name must end with (mtpe_skip_candidate reads them too). */
#define MTPE_SKIP_TLDS "com|org|net|ru|gov|edu|io|uk|de|fr|info|tv|kz|ua|by|ee|lv|lt|рф|рус"

/* No match spans a line: none of its parts matches a line end. */
#define MTPE_SKIP_PATTERN                                                                                              \
	"\\b(?:https?|ftp)://[^\\s<>\"“”]+|\\bwww\\.[^\\s<>\"“”]+|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+|(?<![\\w@])[@#][\\w_]+" \
	"|\\b[\\w-]+(?:\\.[\\w-]+)*\\.(?:" MTPE_SKIP_TLDS ")\\b(?:/[^\\s]*)?"

/*
 * Could MTPE_SKIP_PATTERN match on the line l[0, n)? Each alternative needs
 * "://", "www.", "@", "#" or "." and a top-level domain; false only where it
 * surely cannot (tests/unit/test_skip.c checks it against the pattern).
 */
bool mtpe_skip_candidate(const char *l, size_t n);

#endif
