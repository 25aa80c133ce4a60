/*
 * source_checks.h - checks that compare a region's text with its source
 * (PO msgid, XLIFF <source>, a --source line). Each check does nothing when
 * the region has no source. Findings are reported through a callback with
 * spans in region-text offsets; the caller (check.c) maps them to the file.
 *
 *   mtpe_source_check_numbers       numbers of the source missing or changed
 *   mtpe_source_check_untranslated  target identical to the source, or text
 *                                   in the source's (non-Latin, non-Cyrillic) script left in it
 *   mtpe_source_check_placeholders  %s %1$d {name} ${x} %(x)s <b> <g id=1>: missing,
 *                                   extra, printf order changed, tags badly nested
 *   mtpe_source_check_brackets      brackets/quotes balanced in the source, not in the target
 *   mtpe_source_check_negation      source negated (ru: не, нет, ни...), target not
 *   mtpe_source_check_glossary      a source term of dicts/glossary-ru-en.tsv whose
 *                                   required translation is absent
 */
#ifndef MTPE_SOURCE_CHECKS_H
#define MTPE_SOURCE_CHECKS_H

#include "mtpe/doc.h"

/* Reports one finding: [start, end) in region text; message; replacement or NULL. */
typedef void (*mtpe_source_emit)(void *data, size_t start, size_t end, const char *message,
				 const char *replacement);

typedef struct mtpe_source_ctx mtpe_source_ctx;

/*
 * Compiles the checks' patterns and loads the glossary DATA_DIR/dicts/glossary-ru-en.tsv
 * (a missing file is an empty glossary; a malformed line is MTPE_EPARSE with file:line).
 */
int mtpe_source_ctx_new(mtpe_source_ctx **out, const char *data_dir, mtpe_error *err);
void mtpe_source_ctx_free(mtpe_source_ctx *ctx);

void mtpe_source_check_numbers(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
			       mtpe_source_emit emit, void *data);
void mtpe_source_check_untranslated(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				    mtpe_source_emit emit, void *data);
void mtpe_source_check_placeholders(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				    mtpe_source_emit emit, void *data);
void mtpe_source_check_brackets(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data);
void mtpe_source_check_negation(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data);
void mtpe_source_check_glossary(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data);

/* The plain source text of r (XLIFF markup dropped); caller frees. NULL if none. */
char *mtpe_source_plain(const mtpe_doc *doc, const mtpe_region *r);

#endif
