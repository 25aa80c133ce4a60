/*
 * doc.h - a document: the bytes of one input file, exactly as read, plus a line
 * index and the checkable regions.
 *
 * Invariants: data[len] == '\0'; the bytes are never modified; every offset in
 * mtpe is a byte offset into data. A BOM is kept in data and skipped by the
 * region that covers the text. line_starts[i] is the offset where line i+1
 * begins (a line ends at LF, CRLF or a lone CR).
 *
 * A region is the text a checker sees. For plain text there is one region,
 * the whole file after the BOM, and its text is the file's bytes (map == NULL).
 * Other formats (Markdown, PO, XLIFF...) produce one region per translatable
 * unit; when the region text is not a verbatim slice of the file (escapes,
 * inline tags removed), map[i] gives the file offset of text byte i
 * (map has text_len + 1 entries).
 */
#ifndef MTPE_DOC_H
#define MTPE_DOC_H

#include "mtpe/common.h"

typedef struct mtpe_region {
	size_t file_start, file_end; /* span of the file this region came from */
	char *text;                  /* region text, NUL-terminated; borrowed from doc->data when map == NULL and owned == false */
	size_t text_len;
	size_t *map;                 /* NULL: file offset = file_start + i */
	char *unit;                  /* unit label for diagnostics (PO line, XLIFF id, JSON key), or NULL */
	char *source;                /* source-language text of the unit, or NULL */
	bool owned;                  /* text is owned by the region */
	size_t *end_map;             /* NULL, or (inside map's allocation) end_map[i] = file offset after the
	                                source of text byte i-1: where a span ending at i ends in the file,
	                                so a fix of a word before an inline tag leaves the tag alone */
} mtpe_region;

typedef struct mtpe_doc {
	char *path;          /* display path ("-" shown as "<stdin>") */
	char *data;          /* bytes as read, NUL-terminated */
	size_t len;
	size_t bom;          /* 3 if the file starts with a UTF-8 BOM, else 0 */
	size_t *line_starts;
	size_t nlines;
	mtpe_region *regions;
	size_t nregions;
	char *format;        /* "text", "markdown", "po", ... */
} mtpe_doc;

typedef struct mtpe_doc_options {
	size_t max_size;       /* bytes; 0 = default (64 MiB) */
	const char *format;    /* input format name to force, or NULL = detect (see formats.h) */
} mtpe_doc_options;
#define MTPE_DOC_OPTIONS_INIT { 0, NULL }
#define MTPE_DOC_DEFAULT_MAX_SIZE ((size_t)64 << 20)

/*
 * Loads path ("-" = stdin). Refuses directories and other non-regular files,
 * files over the size cap, binary files (NUL byte), invalid UTF-8 (the error
 * carries line, column and byte offset). Caller frees *out with mtpe_doc_free.
 */
int mtpe_doc_load(mtpe_doc **out, const char *path, const mtpe_doc_options *opts, mtpe_error *err);
/* Builds a document from a buffer (copied); same checks as load. */
int mtpe_doc_from_buffer(mtpe_doc **out, const char *path, const char *data, size_t len,
			 const mtpe_doc_options *opts, mtpe_error *err);
void mtpe_doc_free(mtpe_doc *doc);

/* Converts a byte offset to 1-based line and 1-based column in code points. */
void mtpe_doc_linecol(const mtpe_doc *doc, size_t offset, int *line, int *col);
/* Returns the [start,end) byte span of line `line` (1-based) without its terminator. */
void mtpe_doc_line_span(const mtpe_doc *doc, int line, size_t *start, size_t *end);
/* Maps a region-text offset to a file offset. */
size_t mtpe_region_to_file(const mtpe_region *r, size_t text_off);

#endif
