/*
 * formats.h - input formats: turn a loaded document into checkable regions.
 * "text" gives one region (the whole file after the BOM). Other formats
 * (markdown, po, xliff, json, yaml, srt, vtt) give one region per unit.
 */
#ifndef MTPE_FORMATS_H
#define MTPE_FORMATS_H

#include "mtpe/doc.h"
#include "mtpe/finding.h"

/*
 * Fills doc->regions and doc->format. forced names a format or is NULL to
 * detect by extension and content. A malformed file is MTPE_EPARSE with the
 * parser's location in err.
 */
int mtpe_formats_parse(mtpe_doc *doc, const char *forced, mtpe_error *err);
/* True if name is a known input format. */
bool mtpe_formats_known(const char *name);
/* Comma-separated list of format names (static). */
const char *mtpe_formats_names(void);

/*
 * File offset where a region-text span ending at text_off ends: the end of the
 * source bytes of text byte text_off-1 (markup or a tag right after it is not
 * part of the span). Use mtpe_region_to_file() for starts.
 */
size_t mtpe_region_end_to_file(const mtpe_region *r, size_t text_off);

/*
 * Appends text to out escaped for the place at file_offset in doc (JSON and
 * YAML double-quoted string escapes, PO C escapes, XML/WebVTT entities,
 * Markdown backslash escapes; plain text verbatim). Returns 0, or
 * MTPE_EUNSUPPORTED when the text cannot be written there (a line break in a
 * plain YAML scalar, a blank line in a subtitle cue): skip that fix.
 */
int mtpe_formats_escape(const mtpe_doc *doc, size_t file_offset, const char *text, mtpe_buf *out);

/*
 * mtpe_apply_fixes() for a document in any format: splices the first
 * replacement of each selected finding (sorted by offset; overlapping ones
 * skipped) into doc's bytes, escaped for the format at its place with
 * mtpe_formats_escape(); a fix that cannot be written there is skipped and
 * counted in *skipped (may be NULL). Returns the new bytes (caller frees) or NULL.
 */
char *mtpe_formats_apply_fixes(const mtpe_doc *doc, const mtpe_finding *const *fs, size_t n, size_t *outlen,
			       size_t *skipped);

/*
 * --source for plain text: splits doc (format "text") into one region per
 * non-blank line, each with line N of the source file as its source. The two
 * files must have the same number of lines (MTPE_EINVAL otherwise).
 */
int mtpe_doc_attach_source(mtpe_doc *doc, const char *source_path, mtpe_error *err);

#endif
