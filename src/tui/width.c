/* width.c - terminal cell widths of UTF-8 clusters (see width.h). */
#include "width.h"

#include <wchar.h>

#include "mtpe/common.h"

int tui_cp_width(uint32_t cp)
{
	if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
	    (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x200B || cp == 0x2060 || cp == 0xFEFF)
		return 0;
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return -1;
	int w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1; /* unassigned or unknown to the C library: one cell */
	return w > 2 ? 2 : w;
}

size_t tui_cluster(const char *s, size_t n, size_t i, int *width, int *bad)
{
	*bad = 0;
	size_t l = mtpe_utf8_seqlen((const unsigned char *)s + i, n - i);
	if (!l) {
		*width = 1;
		*bad = 1;
		return 1;
	}
	size_t dl;
	uint32_t cp = mtpe_utf8_decode(s + i, n - i, &dl);
	int w = tui_cp_width(cp);
	if (w < 0) {
		*width = 1;
		*bad = 1;
		return l;
	}
	if (w == 0)
		w = 1; /* a mark with nothing to sit on still takes a cell */
	size_t j = i + l;
	bool join = false;
	while (j < n) {
		size_t l2 = mtpe_utf8_seqlen((const unsigned char *)s + j, n - j);
		if (!l2)
			break;
		uint32_t c2 = mtpe_utf8_decode(s + j, n - j, &dl);
		int w2 = tui_cp_width(c2);
		if (join && w2 >= 0) { /* the character after a ZWJ joins the cluster */
			join = false;
			j += l2;
			continue;
		}
		if (w2 != 0)
			break;
		if (c2 == 0x200D)
			join = true;
		j += l2;
	}
	*width = w;
	return j - i;
}

size_t tui_str_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		int cw, bad;
		i += tui_cluster(s, n, i, &cw, &bad);
		w += (size_t)cw;
	}
	return w;
}
