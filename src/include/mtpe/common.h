/*
 * common.h - error codes, the caller-owned error record, allocation wrappers.
 *
 * Library functions return 0 on success or a negative MTPE_E* code and, when
 * the caller passes a non-NULL mtpe_error, fill it with a message and, where
 * one is known, a location (path, 1-based line and column, byte offset).
 */
#ifndef MTPE_COMMON_H
#define MTPE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	MTPE_OK = 0,
	MTPE_ENOTFOUND = -1,
	MTPE_EPARSE = -2,
	MTPE_EINVAL = -3,
	MTPE_ENOMEM = -4,
	MTPE_EIO = -5,
	MTPE_EUNSUPPORTED = -6,
	MTPE_ETOOBIG = -7,
	MTPE_EENCODING = -8,
	MTPE_ECHANGED = -9
};

/* Error detail; message lives in a fixed buffer so it works under OOM. */
typedef struct mtpe_error {
	int code;
	char msg[512];
	char path[512];
	int line;      /* 1-based, 0 = unknown */
	int col;       /* 1-based, 0 = unknown */
	long long offset; /* byte offset, -1 = unknown */
} mtpe_error;

/* Resets an error record to "no error". */
void mtpe_error_clear(mtpe_error *err);
/* Sets code and printf-style message; returns code. err may be NULL. */
int mtpe_error_set(mtpe_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a location to an error already set. */
void mtpe_error_at(mtpe_error *err, const char *path, int line, int col);

/* Allocation: every core allocation goes through these; they return NULL on failure. */
void *mtpe_malloc(size_t n);
void *mtpe_calloc(size_t n, size_t m);
void *mtpe_realloc(void *p, size_t n);
char *mtpe_strdup(const char *s);
char *mtpe_strndup(const char *s, size_t n);
/*
 * mtpe_malloc for a large block that will be written whole: from 8 MiB,
 * 2 MiB-aligned and asking for huge pages (a hint, nothing if the system says
 * no): a 20 MB text is ten page faults instead of five thousand.
 */
void *mtpe_malloc_huge(size_t n);
/*
 * For large inputs (call once, early): malloc keeps freed memory and its heaps
 * get huge pages; mtpe_heap_advise, called by each thread that will allocate
 * much, covers that thread's heap (nothing unless mtpe_heap_large was called).
 */
void mtpe_heap_large(void);
void mtpe_heap_advise(void);
/*
 * Maps the pages of [p, p + n) (n from 256 KiB) in one call before they are
 * written: on a virtual machine a page's first write costs ~10 us alone,
 * about half that this way.
 */
void mtpe_prefault(void *p, size_t n);
/* Test hook: fail the n-th allocation from now on (n < 0 disables). */
void mtpe_alloc_fail_after(long n);

/* Growable byte buffer (git strbuf shape). ptr is always NUL-terminated once used. */
typedef struct mtpe_buf {
	char *ptr;
	size_t len, cap;
	bool oom; /* sticky: an append failed */
} mtpe_buf;
#define MTPE_BUF_INIT { NULL, 0, 0, false }
int mtpe_buf_grow(mtpe_buf *b, size_t extra);
int mtpe_buf_put(mtpe_buf *b, const char *s, size_t n);
int mtpe_buf_puts(mtpe_buf *b, const char *s);
int mtpe_buf_putc(mtpe_buf *b, char c);
int mtpe_buf_printf(mtpe_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes ownership of the buffer's bytes (caller frees); leaves b empty. */
char *mtpe_buf_detach(mtpe_buf *b);
void mtpe_buf_dispose(mtpe_buf *b);

/* UTF-8 helpers. */
/* Returns the number of bytes of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
size_t mtpe_utf8_seqlen(const unsigned char *s, size_t n);
/* Validates s; on failure returns false and sets *bad to the first bad byte offset. */
bool mtpe_utf8_valid(const char *s, size_t n, size_t *bad);
/* Decodes one code point at s (valid UTF-8 assumed); stores its length in *len. */
uint32_t mtpe_utf8_decode(const char *s, size_t n, size_t *len);
/* Encodes cp into out (at least 4 bytes); returns its length. */
size_t mtpe_utf8_encode(uint32_t cp, char *out);

#endif
