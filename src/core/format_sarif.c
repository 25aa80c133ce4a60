/*
 * format_sarif.c - SARIF 2.1.0 output for code-scanning tools.
 *
 * Mapping: one run; tool.driver.rules lists every rule the checker loaded (in
 * checker order, so ruleIndex is the checker index) with shortDescription =
 * the rule message, fullDescription = its description, defaultConfiguration
 * level (info -> note) and enabled, properties.category. Each finding is one
 * result: ruleId, ruleIndex, level, message, one physicalLocation whose
 * artifactLocation.uri is the path relative to the current directory and
 * whose region carries line/column (code points, run.columnKind says so;
 * endColumn is exclusive) and byteOffset/byteLength, plus the span text as
 * snippet; each replacement becomes one fix (best first) replacing the byte
 * span with the replacement escaped for the file format at that place (a
 * JSON string, a PO string, XML text), so applying the fix keeps the file valid. No timestamps, no absolute paths: output is deterministic.
 */
#include "mtpe/format.h"

#include <string.h>

#include "mtpe/check.h"
#include "mtpe/formats.h"
#include "oututil.h"

static const char *level(mtpe_severity s)
{
	return s == MTPE_SEV_ERROR ? "error" : s == MTPE_SEV_WARNING ? "warning" : "note";
}

static int sarif_begin(mtpe_format_ctx *ctx)
{
	mtpe_buf *b = ctx->out;
	mtpe_buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
			 "  \"version\": \"2.1.0\",\n  \"runs\": [ {\n    \"tool\": { \"driver\": {\n"
			 "      \"name\": \"mtpe\",\n");
	mtpe_buf_printf(b, "      \"semanticVersion\": \"%s\",\n", MTPE_VERSION);
	mtpe_buf_puts(b, "      \"rules\": [");
	size_t n = ctx->checker ? mtpe_checker_rule_count(ctx->checker) : 0;
	for (size_t i = 0; i < n; i++) {
		mtpe_rule_info r;
		mtpe_checker_rule(ctx->checker, i, &r);
		mtpe_buf_puts(b, i ? ",\n        " : "\n        ");
		mtpe_buf_puts(b, "{ \"id\": ");
		mtpe__json_str(b, r.id);
		mtpe_buf_puts(b, ",\n          \"shortDescription\": { \"text\": ");
		mtpe__json_str(b, r.message ? r.message : r.id);
		mtpe_buf_puts(b, " },\n          \"fullDescription\": { \"text\": ");
		mtpe__json_str(b, r.description && *r.description ? r.description : r.message ? r.message : r.id);
		mtpe_buf_printf(b, " },\n          \"defaultConfiguration\": { \"level\": \"%s\"%s },\n",
				level(r.severity), r.enabled ? "" : ", \"enabled\": false");
		mtpe_buf_printf(b, "          \"properties\": { \"category\": \"%s\", \"safeFix\": %s } }",
				mtpe_category_name(r.category), r.safe ? "true" : "false");
	}
	mtpe_buf_puts(b, n ? "\n      ] } },\n" : "] } },\n");
	mtpe_buf_puts(b, "    \"columnKind\": \"unicodeCodePoints\",\n    \"results\": [");
	ctx->first_file = true;
	return b->oom ? MTPE_ENOMEM : 0;
}

static void location(mtpe_buf *b, const char *path)
{
	mtpe_buf_puts(b, "{ \"uri\": \"");
	mtpe__uri(b, path);
	mtpe_buf_puts(b, "\" }");
}

static int sarif_file(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs)
{
	mtpe_buf *b = ctx->out;
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_format_maybe_flush(ctx);
		const mtpe_finding *f = &fs->items[i];
		mtpe_buf_puts(b, ctx->first_file ? "\n      " : ",\n      ");
		ctx->first_file = false;
		mtpe_buf_puts(b, "{ \"ruleId\": ");
		mtpe__json_str(b, f->rule);
		long idx = ctx->checker ? mtpe_checker_rule_find(ctx->checker, f->rule) : -1;
		if (idx >= 0)
			mtpe_buf_printf(b, ", \"ruleIndex\": %ld", idx);
		mtpe_buf_printf(b, ", \"level\": \"%s\",\n        \"message\": { \"text\": ", level(f->severity));
		mtpe__json_str(b, f->message);
		mtpe_buf_puts(b, " },\n        \"locations\": [ { \"physicalLocation\": {\n          \"artifactLocation\": ");
		location(b, doc->path);
		mtpe_buf_printf(b, ",\n          \"region\": { \"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, "
				   "\"endColumn\": %d, \"byteOffset\": %zu, \"byteLength\": %zu,\n"
				   "            \"snippet\": { \"text\": ",
				f->line, f->column, f->end_line, f->end_column, f->offset, f->length);
		mtpe__json_str(b, f->text ? f->text : "");
		mtpe_buf_puts(b, " } } }"); /* snippet, region, physicalLocation */
		if (f->unit) {
			mtpe_buf_puts(b, ",\n          \"logicalLocations\": [ { \"name\": ");
			mtpe__json_str(b, f->unit);
			mtpe_buf_puts(b, ", \"kind\": \"element\" } ]");
		}
		mtpe_buf_puts(b, " } ]");
		/* fixes insert file bytes: each replacement escaped for the format at its place */
		size_t nfix = 0;
		for (size_t k = 0; k < f->nreplacements; k++) {
			mtpe_buf esc = MTPE_BUF_INIT;
			if (mtpe_formats_escape(doc, f->offset, f->replacements[k], &esc) < 0 || esc.oom) {
				mtpe_buf_dispose(&esc); /* cannot be written there: no fix */
				continue;
			}
			mtpe_buf_puts(b, nfix++ ? ",\n          " : ",\n        \"fixes\": [\n          ");
			mtpe_buf_puts(b, "{ \"description\": { \"text\": ");
			mtpe_buf buf = MTPE_BUF_INIT;
			mtpe_buf_printf(&buf, "Replace with '%s'", f->replacements[k]);
			mtpe__json_str(b, buf.oom ? "" : buf.ptr);
			mtpe_buf_dispose(&buf);
			mtpe_buf_puts(b, " },\n            \"artifactChanges\": [ { \"artifactLocation\": ");
			location(b, doc->path);
			mtpe_buf_printf(b, ",\n              \"replacements\": [ { \"deletedRegion\": { \"byteOffset\": %zu, "
					   "\"byteLength\": %zu },\n                \"insertedContent\": { \"text\": ",
					f->offset, f->length);
			mtpe__json_str(b, esc.ptr ? esc.ptr : "");
			mtpe_buf_puts(b, " } } ] } ] }");
			mtpe_buf_dispose(&esc);
		}
		if (nfix)
			mtpe_buf_puts(b, " ]");
		mtpe_buf_printf(b, ",\n        \"properties\": { \"category\": \"%s\" } }", mtpe_category_name(f->category));
	}
	return b->oom ? MTPE_ENOMEM : 0;
}

static int sarif_end(mtpe_format_ctx *ctx, const mtpe_summary *sum)
{
	mtpe_buf_puts(ctx->out, ctx->first_file ? "] } ]\n}\n" : "\n    ] } ]\n}\n");
	return ctx->out->oom ? MTPE_ENOMEM : 0;
}

const mtpe_formatter mtpe_format_sarif = { "sarif", sarif_begin, sarif_file, sarif_end };
