/* skip.c - which lines may hold a URL, an address, a handle or a domain name (see skip.h). */
#define _GNU_SOURCE /* memmem */
#include "skip.h"

#include <ctype.h>
#include <string.h>

/* MTPE_SKIP_TLDS that are ASCII; where a non-ASCII character follows the dot the pattern decides. */
static const char *const tlds[] = { "com", "org", "net", "ru", "gov", "edu", "io", "uk", "de",
				    "fr", "info", "tv", "kz", "ua", "by", "ee", "lv", "lt", NULL };

bool mtpe_skip_candidate(const char *l, size_t n)
{
	if (memchr(l, '@', n) || memchr(l, '#', n) || memmem(l, n, "://", 3))
		return true;
	const char *e = l + n;
	for (const char *p = l; (p = memchr(p, '.', (size_t)(e - p))) != NULL; p++) {
		/* "www." in any case */
		if (p - l >= 3 && tolower((unsigned char)p[-1]) == 'w' && tolower((unsigned char)p[-2]) == 'w' &&
		    tolower((unsigned char)p[-3]) == 'w')
			return true;
		/* "." and a domain in any case; a non-ASCII character on the way (".рф", a Kelvin sign for "k"): maybe */
		for (int i = 0; tlds[i]; i++) {
			const char *q = p + 1, *d = tlds[i];
			while (*d && q < e && (unsigned char)*q < 0x80 && tolower((unsigned char)*q) == *d)
				q++, d++;
			if (!*d || (q < e && (unsigned char)*q >= 0x80))
				return true;
		}
	}
	return false;
}
