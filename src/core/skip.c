/* skip.c - which lines may hold a URL, an address, a handle or a domain name (see skip.h). */
#define _GNU_SOURCE /* memmem */
#include "skip.h"

#include <ctype.h>
#include <string.h>

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
		/*
		 * "." and one of MTPE_SKIP_TLDS in any case; a non-ASCII character on
		 * the way (".рф", a Kelvin sign for "k"): maybe. Each starts with a
		 * letter: after a sentence's full stop (a space, a line end) none can.
		 */
		unsigned char nx = p + 1 < e ? (unsigned char)p[1] : 0;
		if (nx < 0x80 && !((nx | 0x20) >= 'a' && (nx | 0x20) <= 'z'))
			continue;
		for (const char *d = MTPE_SKIP_TLDS; *d; d += *d == '|') {
			const char *q = p + 1;
			while (*d && *d != '|' && q < e && (unsigned char)*q < 0x80 && tolower((unsigned char)*q) == *d)
				q++, d++;
			if (!*d || *d == '|' || (q < e && (unsigned char)*q >= 0x80))
				return true;
			while (*d && *d != '|')
				d++; /* the next domain */
		}
	}
	return false;
}
