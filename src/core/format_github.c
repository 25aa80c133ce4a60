/*
 * format_github.c - GitHub Actions workflow commands, one per finding:
 *   ::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message
 * error -> ::error, warning -> ::warning, info -> ::notice. Property values
 * escape % CR LF : , and the message escapes % CR LF, as the runner's
 * workflow-command parser expects. The first suggestion follows the message.
 */
#include "mtpe/format.h"

#include <string.h>

#include "oututil.h"

static void esc(mtpe_buf *b, const char *s, bool property)
{
	for (; s && *s; s++) {
		if (*s == '%')
			mtpe_buf_puts(b, "%25");
		else if (*s == '\r')
			mtpe_buf_puts(b, "%0D");
		else if (*s == '\n')
			mtpe_buf_puts(b, "%0A");
		else if (property && *s == ':')
			mtpe_buf_puts(b, "%3A");
		else if (property && *s == ',')
			mtpe_buf_puts(b, "%2C");
		else
			mtpe_buf_putc(b, *s);
	}
}

static int github_file(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs)
{
	mtpe_buf *b = ctx->out;
	const char *path = mtpe__display_path(doc->path);
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_format_maybe_flush(ctx);
		const mtpe_finding *f = &fs->items[i];
		mtpe_buf_puts(b, f->severity == MTPE_SEV_ERROR ? "::error file=" :
				 f->severity == MTPE_SEV_WARNING ? "::warning file=" : "::notice file=");
		esc(b, path, true);
		mtpe_buf_printf(b, ",line=%d,col=%d,endLine=%d,endColumn=%d,title=", f->line, f->column, f->end_line,
				f->end_column);
		esc(b, f->rule, true);
		mtpe_buf_puts(b, "::");
		esc(b, f->message, false);
		if (f->nreplacements) {
			mtpe_buf_puts(b, " (suggestion: ");
			esc(b, f->replacements[0], false);
			mtpe_buf_putc(b, ')');
		}
		mtpe_buf_putc(b, '\n');
	}
	return b->oom ? MTPE_ENOMEM : 0;
}

const mtpe_formatter mtpe_format_github = { "github", NULL, github_file, NULL };
