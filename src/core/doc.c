/* doc.c - loading documents: size cap, binary and UTF-8 checks, line index. */
#include "mtpe/doc.h"
#include "mtpe/formats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int build_line_index(mtpe_doc *doc)
{
	if (!memchr(doc->data, '\r', doc->len)) { /* the usual text: memchr finds the line ends */
		size_t n = 1;
		for (const char *p = doc->data, *e = p + doc->len; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			n++;
		if (!(doc->line_starts = mtpe_malloc(n * sizeof(size_t))))
			return MTPE_ENOMEM;
		size_t k = 0;
		doc->line_starts[k++] = 0;
		for (const char *p = doc->data, *e = p + doc->len; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			doc->line_starts[k++] = (size_t)(p - doc->data) + 1;
		doc->nlines = k;
		return 0;
	}
	size_t n = 1;
	for (size_t i = 0; i < doc->len; i++) {
		char c = doc->data[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= doc->len || doc->data[i + 1] != '\n')))
			n++;
	}
	doc->line_starts = mtpe_malloc(n * sizeof(size_t));
	if (!doc->line_starts)
		return MTPE_ENOMEM;
	size_t k = 0;
	doc->line_starts[k++] = 0;
	for (size_t i = 0; i < doc->len; i++) {
		char c = doc->data[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= doc->len || doc->data[i + 1] != '\n')))
			doc->line_starts[k++] = i + 1;
	}
	doc->nlines = k;
	return 0;
}

/*
 * The usual text in one pass, 16 bytes at a time: the line starts (after each
 * '\n') into doc->line_starts, and whether a NUL or a CR is anywhere (*odd:
 * then the caller looks again, the slow way). 0 or MTPE_ENOMEM.
 */
/* Appends a line start; false (and the array freed) when out of memory. */
static bool push_line(size_t **ls, size_t *n, size_t *cap, size_t at)
{
	if (*n == *cap) {
		size_t *x = mtpe_realloc(*ls, *cap * 2 * sizeof(size_t));
		if (!x) {
			free(*ls);
			return false;
		}
		*ls = x;
		*cap *= 2;
	}
	(*ls)[(*n)++] = at;
	return true;
}

static int scan_lines(mtpe_doc *doc, bool *odd)
{
	const char *d = doc->data;
	size_t len = doc->len, n = 0, cap = len / 64 + 16;
	size_t *ls = mtpe_malloc(cap * sizeof(size_t));
	if (!ls)
		return MTPE_ENOMEM;
	ls[n++] = 0;
	*odd = false;
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), z = _mm_setzero_si128();
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		*odd |= _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, z))) != 0;
		for (; m; m &= m - 1) {
			if (!push_line(&ls, &n, &cap, i + (size_t)__builtin_ctz(m) + 1))
				return MTPE_ENOMEM;
		}
	}
#endif
	for (; i < len; i++) {
		*odd |= d[i] == '\r' || d[i] == '\0';
		if (d[i] != '\n')
			continue;
		if (!push_line(&ls, &n, &cap, i + 1))
			return MTPE_ENOMEM;
	}
	doc->line_starts = ls;
	doc->nlines = n;
	return 0;
}

static size_t line_of(const mtpe_doc *doc, size_t offset)
{
	size_t lo = 0, hi = doc->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (doc->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void mtpe_doc_linecol(const mtpe_doc *doc, size_t offset, int *line, int *col)
{
	if (offset > doc->len)
		offset = doc->len;
	size_t l = line_of(doc, offset);
	size_t start = doc->line_starts[l];
	if (l == 0 && doc->bom && offset >= doc->bom)
		start = doc->bom;
	/* the column counts characters: the bytes less the continuation bytes (10xxxxxx), 8 at a time */
	size_t cont = 0, i = start;
	for (uint64_t v; i + 8 <= offset; i += 8) {
		memcpy(&v, doc->data + i, 8);
		cont += (size_t)__builtin_popcountll(v & ~(v << 1) & 0x8080808080808080ull);
	}
	for (; i < offset; i++)
		cont += ((unsigned char)doc->data[i] & 0xC0) == 0x80;
	*line = (int)l + 1;
	*col = (int)(offset - start - cont + 1);
}

void mtpe_doc_line_span(const mtpe_doc *doc, int line, size_t *start, size_t *end)
{
	if (line < 1)
		line = 1;
	if ((size_t)line > doc->nlines)
		line = (int)doc->nlines;
	size_t s = doc->line_starts[line - 1];
	if (line == 1)
		s = doc->bom;
	size_t e = (size_t)line < doc->nlines ? doc->line_starts[line] : doc->len;
	while (e > s && (doc->data[e - 1] == '\n' || doc->data[e - 1] == '\r'))
		e--;
	*start = s;
	*end = e;
}

size_t mtpe_region_to_file(const mtpe_region *r, size_t text_off)
{
	if (text_off > r->text_len)
		text_off = r->text_len;
	return r->map ? r->map[text_off] : r->file_start + text_off;
}

void mtpe_doc_free(mtpe_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nregions; i++) {
		mtpe_region *r = &doc->regions[i];
		if (r->owned)
			free(r->text);
		free(r->map);
		free(r->unit);
		free(r->source);
	}
	free(doc->regions);
	free(doc->line_starts);
	free(doc->data);
	free(doc->path);
	free(doc->format);
	free(doc);
}

/* Takes ownership of data (len bytes, allocated with len + 1). */
static int doc_finish(mtpe_doc **out, const char *path, char *data, size_t len,
		      const mtpe_doc_options *opts, mtpe_error *err)
{
	int error;
	mtpe_doc *doc = mtpe_calloc(1, sizeof(*doc));
	if (!doc) {
		free(data);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	doc->data = data;
	doc->len = len;
	data[len] = '\0';
	doc->path = mtpe_strdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (!doc->path) {
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto fail;
	}
	bool odd = true;
	if (len >= 8000 && !memchr(data, '\0', 8000) && (error = scan_lines(doc, &odd)) < 0) {
		mtpe_error_set(err, error, "out of memory");
		goto fail;
	}
	if (odd) { /* a NUL or CR somewhere (or a short text): the checks and the index the slow way */
		free(doc->line_starts);
		doc->line_starts = NULL;
		doc->nlines = 0;
	}
	if (odd && memchr(data, '\0', len)) {
		size_t at = (size_t)((char *)memchr(data, '\0', len) - data);
		error = mtpe_error_set(err, MTPE_EUNSUPPORTED,
				       "binary file (NUL byte at offset %zu); mtpe checks UTF-8 text", at);
		if (err)
			err->offset = (long long)at;
		goto fail;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		doc->bom = 3;
	if (odd && (error = build_line_index(doc)) < 0) {
		mtpe_error_set(err, error, "out of memory");
		goto fail;
	}
	size_t bad;
	if (!mtpe_utf8_valid(data, len, &bad)) {
		int line, col;
		mtpe_doc_linecol(doc, bad, &line, &col);
		error = mtpe_error_set(err, MTPE_EENCODING,
				       "invalid UTF-8 at line %d, column %d (byte offset %zu, byte 0x%02X); convert the file to UTF-8",
				       line, col, bad, (unsigned char)data[bad]);
		if (err) {
			err->offset = (long long)bad;
			err->line = line;
			err->col = col;
		}
		goto fail;
	}
	if ((error = mtpe_formats_parse(doc, opts ? opts->format : NULL, err)) < 0)
		goto fail;
	*out = doc;
	return 0;
fail:
	if (err && !err->path[0])
		snprintf(err->path, sizeof(err->path), "%s", doc->path ? doc->path : path);
	mtpe_doc_free(doc);
	return error;
}

int mtpe_doc_from_buffer(mtpe_doc **out, const char *path, const char *data, size_t len,
			 const mtpe_doc_options *opts, mtpe_error *err)
{
	size_t cap = opts && opts->max_size ? opts->max_size : MTPE_DOC_DEFAULT_MAX_SIZE;
	if (len > cap)
		return mtpe_error_set(err, MTPE_ETOOBIG, "file is %zu bytes, over the size cap of %zu bytes (raise it with --max-size)", len, cap);
	char *copy = mtpe_malloc(len + 1);
	if (!copy)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	memcpy(copy, data, len);
	return doc_finish(out, path ? path : "<buffer>", copy, len, opts, err);
}

int mtpe_doc_load(mtpe_doc **out, const char *path, const mtpe_doc_options *opts, mtpe_error *err)
{
	size_t cap = opts && opts->max_size ? opts->max_size : MTPE_DOC_DEFAULT_MAX_SIZE;
	int fd;
	bool is_stdin = strcmp(path, "-") == 0;
	*out = NULL;
	if (err)
		snprintf(err->path, sizeof(err->path), "%s", is_stdin ? "<stdin>" : path);
	if (is_stdin) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return mtpe_error_set(err, errno == ENOENT ? MTPE_ENOTFOUND : MTPE_EIO,
					      "cannot open: %s", strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		if (!is_stdin)
			close(fd);
		return mtpe_error_set(err, MTPE_EIO, "cannot stat: %s", strerror(e));
	}
	if (!is_stdin) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return mtpe_error_set(err, MTPE_EUNSUPPORTED, "is a directory; give the files to check");
		}
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			return mtpe_error_set(err, MTPE_EUNSUPPORTED, "not a regular file");
		}
		if ((size_t)st.st_size > cap) {
			close(fd);
			return mtpe_error_set(err, MTPE_ETOOBIG,
					      "file is %lld bytes, over the size cap of %zu bytes (raise it with --max-size)",
					      (long long)st.st_size, cap);
		}
		/* back to blocking reads for a regular file */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	/* room for the whole file, its NUL and the read that sees the end: no growth */
	size_t alloc = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 2 : 65536;
	char *data = mtpe_malloc_huge(alloc);
	if (!data) {
		if (!is_stdin)
			close(fd);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	size_t len = 0;
	for (;;) {
		if (len + 1 >= alloc) {
			if (alloc > cap + 1) {
				free(data);
				if (!is_stdin)
					close(fd);
				return mtpe_error_set(err, MTPE_ETOOBIG,
						      "input is over the size cap of %zu bytes (raise it with --max-size)", cap);
			}
			size_t na = alloc * 2;
			char *nd = mtpe_realloc(data, na);
			if (!nd) {
				free(data);
				if (!is_stdin)
					close(fd);
				return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			}
			data = nd;
			alloc = na;
		}
		ssize_t r = read(fd, data + len, alloc - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(data);
			if (!is_stdin)
				close(fd);
			return mtpe_error_set(err, MTPE_EIO, "cannot read: %s", strerror(e));
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > cap) {
			free(data);
			if (!is_stdin)
				close(fd);
			return mtpe_error_set(err, MTPE_ETOOBIG,
					      "input is over the size cap of %zu bytes (raise it with --max-size)", cap);
		}
	}
	if (!is_stdin)
		close(fd);
	return doc_finish(out, path, data, len, opts, err);
}
