/*
 * format.h - output formatters as const vtables chosen by name. Formatters
 * append to a caller-owned buffer; output is deterministic.
 */
#ifndef MTPE_FORMAT_H
#define MTPE_FORMAT_H

#include "mtpe/common.h"
#include "mtpe/doc.h"
#include "mtpe/finding.h"

typedef struct mtpe_summary {
	size_t files, words, findings;
	size_t by_severity[3];
	size_t by_category[MTPE_CAT__COUNT];
} mtpe_summary;

typedef struct mtpe_format_ctx {
	mtpe_buf *out;
	bool color;
	bool first_file;
	const struct mtpe_checker *checker; /* for rule metadata (may be NULL) */
	void *state;                         /* formatter private */
	/* optional: writes out and empties ctx->out; formatters call it between findings */
	void (*flush)(struct mtpe_format_ctx *ctx);
} mtpe_format_ctx;

/* Hands a long output on to ctx->flush (if any), so a file's findings never pile up as text. */
static inline void mtpe_format_maybe_flush(mtpe_format_ctx *ctx)
{
	if (ctx->flush && ctx->out->len >= ((size_t)1 << 16))
		ctx->flush(ctx);
}

typedef struct mtpe_formatter {
	const char *name;
	int (*begin)(mtpe_format_ctx *ctx);
	int (*file)(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs);
	int (*end)(mtpe_format_ctx *ctx, const mtpe_summary *sum);
} mtpe_formatter;

/* Returns the formatter named name, or NULL. */
const mtpe_formatter *mtpe_formatter_find(const char *name);
/* Comma-separated list of formatter names (static string). */
const char *mtpe_formatter_names(void);

/* JSON string escaping into b (no quotes added). */
int mtpe_json_escape(mtpe_buf *b, const char *s, size_t n);

#endif
