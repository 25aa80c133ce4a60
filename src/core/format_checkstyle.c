/*
 * format_checkstyle.c - Checkstyle XML (the format Jenkins, reviewdog and
 * many CI dashboards read): one <file> per checked document, one <error> per
 * finding with line, column, severity (error|warning|info), message and
 * source "mtpe.RULE". Every attribute value is XML-escaped.
 */
#include "mtpe/format.h"

#include "oututil.h"

static int cs_begin(mtpe_format_ctx *ctx)
{
	mtpe_buf_puts(ctx->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
	return ctx->out->oom ? MTPE_ENOMEM : 0;
}

static int cs_file(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs)
{
	mtpe_buf *b = ctx->out;
	mtpe_buf_puts(b, "  <file name=\"");
	mtpe__xml_escape_str(b, mtpe__display_path(doc->path));
	mtpe_buf_puts(b, fs->len ? "\">\n" : "\"/>\n");
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_format_maybe_flush(ctx);
		const mtpe_finding *f = &fs->items[i];
		mtpe_buf_printf(b, "    <error line=\"%d\" column=\"%d\" severity=\"%s\" message=\"", f->line, f->column,
				mtpe_severity_name(f->severity));
		mtpe__xml_escape_str(b, f->message);
		if (f->nreplacements) {
			mtpe_buf_puts(b, " (suggestion: ");
			mtpe__xml_escape_str(b, f->replacements[0]);
			mtpe_buf_putc(b, ')');
		}
		mtpe_buf_puts(b, "\" source=\"mtpe.");
		mtpe__xml_escape_str(b, f->rule);
		mtpe_buf_puts(b, "\"/>\n");
	}
	if (fs->len)
		mtpe_buf_puts(b, "  </file>\n");
	return b->oom ? MTPE_ENOMEM : 0;
}

static int cs_end(mtpe_format_ctx *ctx, const mtpe_summary *sum)
{
	mtpe_buf_puts(ctx->out, "</checkstyle>\n");
	return ctx->out->oom ? MTPE_ENOMEM : 0;
}

const mtpe_formatter mtpe_format_checkstyle = { "checkstyle", cs_begin, cs_file, cs_end };
