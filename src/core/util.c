/* util.c - errors, allocation with a test failure hook, byte buffers, UTF-8. */
#define _DEFAULT_SOURCE /* madvise */
#include "mtpe/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <malloc.h>
#include <unistd.h>

void mtpe_error_clear(mtpe_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
}

int mtpe_error_set(mtpe_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void mtpe_error_at(mtpe_error *err, const char *path, int line, int col)
{
	if (!err)
		return;
	if (path)
		snprintf(err->path, sizeof(err->path), "%s", path);
	err->line = line;
	err->col = col;
}

static long fail_after = -1;

void mtpe_alloc_fail_after(long n)
{
	fail_after = n;
}

static bool should_fail(void)
{
	if (fail_after < 0)
		return false;
	if (fail_after == 0)
		return true;
	fail_after--;
	return false;
}

void *mtpe_malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *mtpe_calloc(size_t n, size_t m)
{
	return should_fail() ? NULL : calloc(n ? n : 1, m ? m : 1);
}

void *mtpe_malloc_huge(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	void *p = NULL;
	if (n < ((size_t)8 << 20))
		return mtpe_malloc(n);
	if (should_fail() || posix_memalign(&p, huge, n) != 0)
		return NULL;
	madvise(p, n & ~(huge - 1), MADV_HUGEPAGE); /* p is aligned: its whole 2 MiB pages */
	return p;
}

/*
 * Large inputs: malloc keeps what it is given back (no trimming, no mmap per
 * block under 32 MiB) and grows its heaps 64 MiB at a time, and those heaps
 * are asked for huge pages. On a virtual machine a fresh page's first write
 * costs ~10 us: a 20 MB check wrote ~16k fresh 4 KiB pages, this way ~3k and
 * most of its memory comes in 2 MiB pages (0.78 -> 0.68 s). Only glibc's
 * malloc is known to lay out its heaps this way: elsewhere (and under the
 * sanitizers' allocators) this does nothing.
 */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define HEAP_TUNING 1
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
static bool heap_large;
static uintptr_t main_heap_lo;
#endif

void mtpe_heap_large(void)
{
#ifdef HEAP_TUNING
	if (heap_large)
		return;
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_TOP_PAD, 64 << 20);
	heap_large = true;
	void *volatile first = malloc(64);
	main_heap_lo = (uintptr_t)first; /* the caller's heap: the main one (brk) */
	void *volatile grow = malloc((size_t)1 << 20); /* the main heap takes its 64 MiB now, advised below */
	mtpe_heap_advise();
	free(grow);
	free(first);
#endif
}

void mtpe_heap_advise(void)
{
#ifdef HEAP_TUNING
	/* glibc: a thread's heap is HEAP_MAX (64 MiB on 64-bit) long and aligned to it */
	const uintptr_t huge = (uintptr_t)2 << 20, heap_max = (uintptr_t)64 << 20;
	if (!heap_large)
		return;
	void *volatile p = malloc(64); /* volatile: the compiler may not drop this malloc/free pair */
	if (!p)
		return;
	uintptr_t a = (uintptr_t)p, lo, hi, brk = (uintptr_t)sbrk(0);
	free(p);
	if (a >= main_heap_lo && a < brk) { /* the main heap, up to where it ends now */
		lo = main_heap_lo;
		hi = brk;
	} else {
		lo = a & ~(heap_max - 1);
		hi = lo + heap_max;
	}
	bool fresh = lo == (a & ~(heap_max - 1)) && lo != main_heap_lo;
	lo = (lo + huge - 1) & ~(huge - 1);
	hi &= ~(huge - 1);
	if (hi > lo) {
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a hint: nothing changes but the page size */
		/*
		 * A thread's heap was written to (its header, our malloc) before the
		 * advice: its first 2 MiB would stay in 4 KiB pages, each a fault
		 * (~500 in a 20 MB check). Made one huge page now (Linux 6.1+; else
		 * EINVAL, and nothing changes).
		 */
		if (fresh)
			madvise((void *)lo, huge, MADV_COLLAPSE);
	}
#endif
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void mtpe_prefault(void *p, size_t n)
{
	const uintptr_t page = 4096;
	if (!p || n < ((size_t)256 << 10))
		return;
	uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), b = ((uintptr_t)p + n) & ~(page - 1);
	if (b > a)
		madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* old kernels: EINVAL, and the pages come one fault at a time */
}

void *mtpe_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *mtpe_strndup(const char *s, size_t n)
{
	char *r = mtpe_malloc(n + 1);
	if (!r)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *mtpe_strdup(const char *s)
{
	return s ? mtpe_strndup(s, strlen(s)) : NULL;
}

int mtpe_buf_grow(mtpe_buf *b, size_t extra)
{
	if (b->oom)
		return MTPE_ENOMEM;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return MTPE_ENOMEM;
		}
		cap *= 2;
	}
	char *p = mtpe_realloc(b->ptr, cap);
	if (!p) {
		b->oom = true;
		return MTPE_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int mtpe_buf_put(mtpe_buf *b, const char *s, size_t n)
{
	if (mtpe_buf_grow(b, n) < 0)
		return MTPE_ENOMEM;
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int mtpe_buf_puts(mtpe_buf *b, const char *s)
{
	return mtpe_buf_put(b, s, strlen(s));
}

int mtpe_buf_putc(mtpe_buf *b, char c)
{
	return mtpe_buf_put(b, &c, 1);
}

int mtpe_buf_printf(mtpe_buf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return MTPE_EINVAL;
	if ((size_t)n < sizeof(tmp))
		return mtpe_buf_put(b, tmp, (size_t)n);
	if (mtpe_buf_grow(b, (size_t)n) < 0)
		return MTPE_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *mtpe_buf_detach(mtpe_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = mtpe_strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void mtpe_buf_dispose(mtpe_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

size_t mtpe_utf8_seqlen(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t need;
	uint32_t min;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4; min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	uint32_t cp = c & (0x7F >> need);
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need;
}

bool mtpe_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* fast path: 8 ASCII bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = mtpe_utf8_seqlen(u + i, n - i);
		if (!k) {
			if (bad)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

uint32_t mtpe_utf8_decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = mtpe_utf8_seqlen(u, n);
	if (!k) {
		*len = n ? 1 : 0;
		return 0xFFFD;
	}
	*len = k;
	if (k == 1)
		return u[0];
	uint32_t cp = u[0] & (0x7F >> k);
	for (size_t i = 1; i < k; i++)
		cp = (cp << 6) | (u[i] & 0x3F);
	return cp;
}

size_t mtpe_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}
