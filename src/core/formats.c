/* formats.c - input format detection and dispatch; plain text is one region. */
#include "mtpe/formats.h"

#include <stdlib.h>
#include <string.h>

static int parse_text(mtpe_doc *doc, mtpe_error *err)
{
	doc->regions = mtpe_calloc(1, sizeof(mtpe_region));
	if (!doc->regions)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	mtpe_region *r = &doc->regions[0];
	r->file_start = doc->bom;
	r->file_end = doc->len;
	r->text = doc->data + doc->bom;
	r->text_len = doc->len - doc->bom;
	doc->nregions = 1;
	return 0;
}

struct input_format {
	const char *name;
	int (*parse)(mtpe_doc *doc, mtpe_error *err);
};

static const struct input_format formats[] = {
	{ "text", parse_text },
};

bool mtpe_formats_known(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return true;
	return false;
}

const char *mtpe_formats_names(void)
{
	return "text";
}

int mtpe_formats_parse(mtpe_doc *doc, const char *forced, mtpe_error *err)
{
	const struct input_format *f = &formats[0];
	if (forced) {
		f = NULL;
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(formats[i].name, forced) == 0)
				f = &formats[i];
		if (!f)
			return mtpe_error_set(err, MTPE_EINVAL, "unknown input format '%s' (known: %s)",
					      forced, mtpe_formats_names());
	}
	doc->format = mtpe_strdup(f->name);
	if (!doc->format)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	return f->parse(doc, err);
}
