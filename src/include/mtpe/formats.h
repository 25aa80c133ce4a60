/*
 * formats.h - input formats: turn a loaded document into checkable regions.
 * "text" gives one region (the whole file after the BOM). Other formats
 * (markdown, po, xliff, json, yaml, srt, vtt) give one region per unit.
 */
#ifndef MTPE_FORMATS_H
#define MTPE_FORMATS_H

#include "mtpe/doc.h"

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

#endif
