/*
 * fmt_internal.h - shared helpers of the input-format parsers (fmt_*.c):
 * a region builder that records, for every text byte, the file offset it
 * came from, and the parser entry points dispatched by formats.c.
 *
 * Every parser fills doc->regions with one region per translatable unit.
 * Region text that is not a verbatim slice of the file (escapes decoded,
 * markup dropped, lines joined) carries a map; formats.c escapes fix text
 * back for the format with mtpe_formats_escape().
 */
#ifndef MTPE_FMT_INTERNAL_H
#define MTPE_FMT_INTERNAL_H

#include "mtpe/doc.h"
#include "mtpe/formats.h"

/* Builds one region's text and map. */
typedef struct fmt_rb {
	mtpe_buf text;
	size_t *map;      /* file offset where text byte i's source starts */
	size_t *ends;     /* file offset where text byte i's source ends */
	size_t nmap, capmap;
	bool oom;
} fmt_rb;
#define FMT_RB_INIT { MTPE_BUF_INIT, NULL, NULL, 0, 0, false }

/* Appends n text bytes; byte i comes from file offset off + i (verbatim copy). */
void fmt_rb_verbatim(fmt_rb *b, const char *s, size_t n, size_t off);
/* Appends n text bytes that all stand for the file span [off, end) (an escape, an entity, a tag). */
void fmt_rb_decoded(fmt_rb *b, const char *s, size_t n, size_t off, size_t end);
/* Drops text bytes from the end down to len. */
void fmt_rb_truncate(fmt_rb *b, size_t len);
void fmt_rb_dispose(fmt_rb *b);

/* Growing array of regions of a document under construction. */
typedef struct fmt_regions {
	mtpe_region *items;
	size_t len, cap;
	bool oom;
} fmt_regions;

/*
 * Turns b into a new region ending at file offset end (the offset after the
 * last text byte's source) and appends it; unit and source are copied (may be
 * NULL). Empty or blank texts are dropped unless keep_blank. b is reset.
 */
void fmt_regions_add(fmt_regions *rs, fmt_rb *b, size_t end, const char *unit, const char *source, bool keep_blank);
/* Appends a verbatim slice of the file as a region (map NULL, text borrowed). */
void fmt_regions_add_slice(fmt_regions *rs, const mtpe_doc *doc, size_t start, size_t end, const char *unit,
			   const char *source);
/* Moves the regions into doc (on success) or frees them. */
int fmt_regions_finish(fmt_regions *rs, mtpe_doc *doc, mtpe_error *err);
void fmt_regions_dispose(fmt_regions *rs);

/* "JSON", "PO file", "WebVTT subtitles"... for messages. */
const char *fmt_display_name(const char *format);
/* Sets a parse error at file offset off with line and column from the document. */
int fmt_parse_error(mtpe_error *err, const mtpe_doc *doc, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int fmt_parse_markdown(mtpe_doc *doc, mtpe_error *err);
/* skip_fuzzy: entries marked '#, fuzzy' give no region (else they are checked, unit says fuzzy). */
int fmt_parse_po(mtpe_doc *doc, bool skip_fuzzy, mtpe_error *err);
int fmt_parse_xliff(mtpe_doc *doc, mtpe_error *err);
int fmt_parse_json(mtpe_doc *doc, mtpe_error *err);
int fmt_parse_yaml(mtpe_doc *doc, mtpe_error *err);
int fmt_parse_srt(mtpe_doc *doc, mtpe_error *err);
int fmt_parse_vtt(mtpe_doc *doc, mtpe_error *err);

/* Plain text of XLIFF inline XML (tags dropped, references decoded); caller frees. */
char *fmt_xml_plain(const char *s, size_t n);

/* Decodes one C/JSON-style \uXXXX (4 hex digits at s); returns -1 if not hex. */
long fmt_hex4(const char *s);

#endif
