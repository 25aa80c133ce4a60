/*
 * suppress.h - inline suppression comments in the checked text.
 *
 * Directives live in a comment the input format allows: <!-- ... --> in plain
 * text, Markdown, XLIFF/XML and HTML; a whole-line '# ...' (or '#. ...')
 * comment in PO and YAML files ('#' lines are NOT comments in plain text).
 * In PO, "the next line" of mtpe-disable-next-line is the whole next entry
 * (up to the next blank line). Inside the comment:
 *
 *   mtpe-disable [RULE[,RULE...]]           off from here (all rules when none named)
 *   mtpe-enable [RULE[,RULE...]]            on again from here
 *   mtpe-disable-next-line [RULE[,RULE...]] off for the line after the comment
 *   mtpe-disable-line [RULE[,RULE...]]      off for the line(s) the comment is on
 *
 * Rule ids are separated by commas and/or spaces; anything after " -- " is a
 * free-text reason. Findings inside a directive comment are always dropped.
 */
#ifndef MTPE_SUPPRESS_H
#define MTPE_SUPPRESS_H

#include "mtpe/common.h"
#include "mtpe/doc.h"
#include "mtpe/finding.h"

/*
 * Drops the findings of doc that its directives suppress. fs holds doc's
 * findings, sorted by offset (other documents' findings must not be in it).
 * A malformed directive (a rule id that is not UPPER_SNAKE_CASE, an unknown
 * directive word) is MTPE_EPARSE with the comment's path:line:col in err.
 */
int mtpe_suppress_apply(const mtpe_doc *doc, mtpe_findings *fs, mtpe_error *err);

#endif
