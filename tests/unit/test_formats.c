/*
 * test_formats.c - input formats: detection, regions (text, unit, source) of
 * each format, byte maps, malformed files, and round trips: a fix written
 * through mtpe_formats_escape() into the file re-parses to the fixed text,
 * every other byte unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mtpe/doc.h"
#include "mtpe/formats.h"

static mtpe_doc *parse(const char *name, const char *text, const char *forced)
{
	mtpe_doc *doc = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	mtpe_doc_options o = MTPE_DOC_OPTIONS_INIT;
	o.format = forced;
	if (mtpe_doc_from_buffer(&doc, name, text, strlen(text), &o, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	return doc;
}

static int parse_error(const char *name, const char *text, mtpe_error *err)
{
	mtpe_doc *doc = NULL;
	mtpe_error_clear(err);
	int rc = mtpe_doc_from_buffer(&doc, name, text, strlen(text), NULL, err);
	mtpe_doc_free(doc);
	return rc;
}

static const mtpe_region *find_region(const mtpe_doc *doc, const char *needle)
{
	for (size_t i = 0; i < doc->nregions; i++)
		if (strstr(doc->regions[i].text, needle))
			return &doc->regions[i];
	return NULL;
}

/* The map is monotonic and inside the region's file span. */
static void check_maps(const mtpe_doc *doc)
{
	for (size_t i = 0; i < doc->nregions; i++) {
		const mtpe_region *r = &doc->regions[i];
		assert_true(r->file_start <= r->file_end && r->file_end <= doc->len);
		assert_int_equal(strlen(r->text), r->text_len);
		size_t prev = 0;
		for (size_t k = 0; k <= r->text_len; k++) {
			size_t f = mtpe_region_to_file(r, k);
			assert_true(f >= prev);
			assert_true(f >= r->file_start && f <= r->file_end);
			size_t fe = mtpe_region_end_to_file(r, k);
			assert_true(fe <= f || k == 0 || fe <= r->file_end);
			prev = f;
		}
	}
}

/*
 * Replaces the first occurrence of word in a region's text with repl, written
 * into the file through the escape function; the new file must parse and give
 * repl in the text, and every byte outside the span must be unchanged.
 */
static void roundtrip(const char *name, const char *text, const char *word, const char *repl)
{
	mtpe_doc *doc = parse(name, text, NULL);
	check_maps(doc);
	const mtpe_region *r = find_region(doc, word);
	if (!r)
		fail_msg("%s: no region has '%s'", name, word);
	size_t ts = (size_t)(strstr(r->text, word) - r->text);
	size_t fs = mtpe_region_to_file(r, ts), fe = mtpe_region_end_to_file(r, ts + strlen(word));
	mtpe_buf out = MTPE_BUF_INIT;
	mtpe_buf_put(&out, doc->data, fs);
	assert_int_equal(mtpe_formats_escape(doc, fs, repl, &out), 0);
	size_t repl_end = out.len;
	mtpe_buf_put(&out, doc->data + fe, doc->len - fe);
	assert_memory_equal(out.ptr, doc->data, fs);
	assert_memory_equal(out.ptr + repl_end, doc->data + fe, doc->len - fe);
	mtpe_doc *again = parse(name, out.ptr, NULL);
	check_maps(again);
	if (!find_region(again, repl))
		fail_msg("%s: after the fix no region has '%s':\n%s", name, repl, out.ptr);
	assert_int_equal(again->nregions, doc->nregions);
	mtpe_doc_free(again);
	mtpe_buf_dispose(&out);
	mtpe_doc_free(doc);
}

static void test_detection(void **state)
{
	(void)state;
	static const struct { const char *name, *text, *format; } cases[] = {
		{ "a.txt", "msgid \"x\"\nmsgstr \"y\"\n", "text" },  /* the extension wins */
		{ "a.md", "# Title\n", "markdown" },
		{ "a.PO", "msgid \"a\"\nmsgstr \"b\"\n", "po" },
		{ "a.pot", "msgid \"a\"\nmsgstr \"\"\n", "po" },
		{ "a.xlf", "<xliff version=\"1.2\"/>", "xliff" },
		{ "a.json", "{}", "json" },
		{ "a.yml", "a: b\n", "yaml" },
		{ "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt" },
		{ "a.vtt", "WEBVTT\n", "vtt" },
		{ "<stdin>", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", "vtt" },
		{ "<stdin>", "1\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt" },
		{ "<stdin>", "# comment\nmsgid \"a\"\nmsgstr \"b\"\n", "po" },
		{ "<stdin>", "<?xml version=\"1.0\"?>\n<xliff version=\"2.0\"/>", "xliff" },
		{ "<stdin>", " {\"a\": \"b\"}\n", "json" },
		{ "<stdin>", "The year 2019 was hard.\n", "text" },
		{ "<stdin>", "{ this is prose in braces", "text" },
		{ "noext", "# Not markdown without an extension\n", "text" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mtpe_doc *doc = parse(cases[i].name, cases[i].text, NULL);
		if (strcmp(doc->format, cases[i].format))
			fail_msg("case %zu (%s): detected %s, expected %s", i, cases[i].name, doc->format, cases[i].format);
		mtpe_doc_free(doc);
	}
	mtpe_doc *doc = parse("a.txt", "{\"k\": \"v\"}", "json");
	assert_string_equal(doc->format, "json");
	assert_int_equal(doc->nregions, 1);
	assert_string_equal(doc->regions[0].unit, "k");
	mtpe_doc_free(doc);
	assert_true(mtpe_formats_known("po:skip-fuzzy"));
	assert_true(mtpe_formats_known("md"));
	assert_false(mtpe_formats_known("docx"));
	assert_non_null(strstr(mtpe_formats_names(), "xliff"));
}

static void test_po(void **state)
{
	(void)state;
	const char *po = "# header\nmsgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
			 "#: src/a.c:10\nmsgid \"Hello\"\nmsgstr \"Hi \\\"there\\\"\\n\"\n\"second line\"\n\n"
			 "#, fuzzy, c-format\nmsgctxt \"menu\"\nmsgid \"%d file\"\nmsgid_plural \"%d files\"\n"
			 "msgstr[0] \"%d fiel\"\nmsgstr[1] \"%d fiels\"\n\n"
			 "msgid \"Untranslated\"\nmsgstr \"\"\n\n#~ msgid \"old\"\n#~ msgstr \"alt\"\n";
	mtpe_doc *doc = parse("a.po", po, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 3);
	assert_string_equal(doc->regions[0].text, "Hi \"there\"\nsecond line");
	assert_string_equal(doc->regions[0].source, "Hello");
	assert_string_equal(doc->regions[0].unit, "entry line 7");
	assert_string_equal(doc->regions[1].unit, "entry line 13, msgstr[0], fuzzy");
	assert_string_equal(doc->regions[1].source, "%d file");
	assert_string_equal(doc->regions[2].source, "%d files");
	/* the escaped quote maps to its backslash, the text after it to the file */
	const mtpe_region *r = &doc->regions[0];
	assert_int_equal(doc->data[mtpe_region_to_file(r, 3)], '\\');
	assert_memory_equal(doc->data + mtpe_region_to_file(r, 11), "second", 6);
	mtpe_doc_free(doc);
	doc = parse("a.po", po, "po:skip-fuzzy");
	assert_int_equal(doc->nregions, 1);
	mtpe_doc_free(doc);
	roundtrip("a.po", po, "fiel", "file \"quoted\"\n");
	roundtrip("a.po", po, "there", "back\\slash");
}

static void test_json(void **state)
{
	(void)state;
	const char *js = "{\n  \"menu\": {\"open\": \"Opne the fil\\u00e9 \\\"now\\\"\", \"n\": 3, \"ok\": true},\n"
			 "  \"items\": [\"Frist\", {\"label\": \"a\\\\b\"}, null],\n  \"@menu\": {\"description\": \"meta\"},\n"
			 "  \"emoji\": \"smile \\ud83d\\ude00 end\"\n}\n";
	mtpe_doc *doc = parse("a.json", js, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 4);
	assert_string_equal(doc->regions[0].unit, "menu.open");
	assert_string_equal(doc->regions[0].text, "Opne the fil\xC3\xA9 \"now\"");
	assert_string_equal(doc->regions[1].unit, "items[0]");
	assert_string_equal(doc->regions[2].unit, "items[1].label");
	assert_string_equal(doc->regions[2].text, "a\\b");
	assert_string_equal(doc->regions[3].text, "smile \xF0\x9F\x98\x80 end");
	/* é spans the whole escape in the file */
	const mtpe_region *r = &doc->regions[0];
	size_t fs = mtpe_region_to_file(r, 12), fe = mtpe_region_to_file(r, 14);
	assert_int_equal(fe - fs, 6);
	assert_memory_equal(doc->data + fs, "\\u00e9", 6);
	mtpe_doc_free(doc);
	roundtrip("a.json", js, "Opne", "Open \"quoted\" \\ tab\t");
	roundtrip("a.json", js, "fil\xC3\xA9", "file");
	roundtrip("a.json", js, "Frist", "First\nline");
}

static void test_yaml(void **state)
{
	(void)state;
	const char *y = "en: &base\n"
			"  greeting: \"Helo \\\"dear\\\" wrold\\u00e9\"\n"
			"  plain: This is a plian scalar\n    continued on a secnd line\n"
			"  single: 'It''s a singel quote'\n"
			"  block: |\n    First lne of block\n    Second lyne\n"
			"  folded: >-\n    Folded txt here\n    and more txt\n"
			"  num: 42\n  flag: true\n"
			"ru:\n  <<: *base\n  list:\n    - Itme one\n    - Itme two\n";
	mtpe_doc *doc = parse("a.yaml", y, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 7);
	assert_string_equal(doc->regions[0].unit, "en.greeting");
	assert_string_equal(doc->regions[0].text, "Helo \"dear\" wrold\xC3\xA9");
	assert_string_equal(doc->regions[1].text, "This is a plian scalar continued on a secnd line");
	assert_string_equal(doc->regions[2].text, "It's a singel quote");
	assert_string_equal(doc->regions[3].text, "First lne of block\nSecond lyne");
	assert_string_equal(doc->regions[4].text, "Folded txt here and more txt");
	assert_string_equal(doc->regions[5].unit, "ru.list[0]");
	mtpe_doc_free(doc);
	roundtrip("a.yaml", y, "Helo", "Hello \"x\"");
	roundtrip("a.yaml", y, "singel", "single 'q'");
	roundtrip("a.yaml", y, "plian", "plain");
	roundtrip("a.yaml", y, "lyne", "line");
	roundtrip("a.yaml", y, "secnd", "second");
	/* text that would break a plain scalar is refused */
	doc = parse("a.yaml", y, NULL);
	mtpe_buf b = MTPE_BUF_INIT;
	size_t off = mtpe_region_to_file(&doc->regions[1], 0);
	assert_int_equal(mtpe_formats_escape(doc, off, "a: b", &b), MTPE_EUNSUPPORTED);
	mtpe_buf_dispose(&b);
	mtpe_doc_free(doc);
}

static const char *xliff12 =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n"
	" <file source-language=\"ru\" target-language=\"en\" datatype=\"plaintext\" original=\"app\"><body>\n"
	"  <trans-unit id=\"greeting\">\n"
	"   <source>Привет, <g id=\"1\">мир</g>!</source>\n"
	"   <target>Hello, <g id=\"1\">wrold</g>! 5 fiels &amp; more</target>\n"
	"  </trans-unit>\n"
	"  <trans-unit id=\"ph\"><source>Нажмите <x id=\"1\"/> <bpt id=\"2\">&lt;b&gt;</bpt>сохранить<ept id=\"2\">&lt;/b&gt;</ept></source>\n"
	"   <target>Press <x id=\"1\"/> to <bpt id=\"2\">&lt;b&gt;</bpt>savee<ept id=\"2\">&lt;/b&gt;</ept></target>\n"
	"   <alt-trans><target>Ignored txt</target></alt-trans></trans-unit>\n"
	"  <trans-unit id=\"no\" translate=\"no\"><source>X</source><target>Skiped</target></trans-unit>\n"
	" </body></file>\n</xliff>\n";

static const char *xliff20 =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"ru\" trgLang=\"en\">\n"
	" <file id=\"f1\"><unit id=\"u1\">\n"
	"  <segment id=\"s1\"><source>Откройте <pc id=\"1\">меню</pc> <ph id=\"2\"/>.</source>\n"
	"   <target>Open the <pc id=\"1\">mneu</pc> <ph id=\"2\"/>.</target></segment>\n"
	"  <segment><source>Второй</source><target>Secnd</target></segment>\n"
	" </unit></file>\n</xliff>\n";

static void test_xliff(void **state)
{
	(void)state;
	mtpe_doc *doc = parse("a.xlf", xliff12, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 2);
	assert_string_equal(doc->regions[0].text, "Hello, wrold! 5 fiels & more");
	assert_string_equal(doc->regions[0].unit, "unit greeting");
	assert_string_equal(doc->regions[0].source, "Привет, <g id=\"1\">мир</g>!");
	assert_string_equal(doc->regions[1].text, "Press \xEF\xBF\xBC to savee");
	/* "wrold" maps into the file between the inline tags */
	const mtpe_region *r = &doc->regions[0];
	assert_memory_equal(doc->data + mtpe_region_to_file(r, 7), "wrold</g>", 9);
	mtpe_doc_free(doc);
	roundtrip("a.xlf", xliff12, "wrold", "world <&>");
	roundtrip("a.xlf", xliff12, "savee", "save");

	doc = parse("b.xliff", xliff20, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 2);
	assert_string_equal(doc->regions[0].text, "Open the mneu \xEF\xBF\xBC.");
	assert_string_equal(doc->regions[0].unit, "unit u1, segment s1");
	assert_string_equal(doc->regions[1].unit, "unit u1");
	assert_string_equal(doc->regions[1].source, "Второй");
	mtpe_doc_free(doc);
	roundtrip("b.xliff", xliff20, "mneu", "menu & more");
}

static void test_markdown(void **state)
{
	(void)state;
	const char *md = "---\ntitle: Front matter teh\n---\n# Heading wiht *emphasis*\n\n"
			 "A paragraph with `code teh` and a [link txt](http://example.com/teh) and\n"
			 "a second line &amp; an \\*escaped\\* word. See <https://auto.example/teh>.\n\n"
			 "- Item one\n  - Nested itme with **bold**\n\n> Quoted txt\n> on two lines\n\n"
			 "```\ncode block teh\n```\n\n    indented teh\n\n"
			 "| Name | Valeu |\n|------|:-----:|\n| Frist | `teh` cell |\n\n<div>html teh</div>\n";
	mtpe_doc *doc = parse("a.md", md, NULL);
	check_maps(doc);
	for (size_t i = 0; i < doc->nregions; i++)
		assert_null(strstr(doc->regions[i].text, "teh")); /* code, URLs, HTML, front matter */
	assert_non_null(find_region(doc, "Heading wiht emphasis"));
	const mtpe_region *p = find_region(doc, "link txt and\na second line & an *escaped* word. See \xEF\xBF\xBC.");
	assert_non_null(p);
	assert_non_null(find_region(doc, "Nested itme with bold"));
	assert_non_null(find_region(doc, "Quoted txt\non two lines"));
	assert_non_null(find_region(doc, "Valeu"));
	assert_non_null(find_region(doc, "Frist"));
	mtpe_doc_free(doc);
	roundtrip("a.md", md, "wiht", "with");
	roundtrip("a.md", md, "itme", "item *star*");
	roundtrip("a.md", md, "Valeu", "Value");
	roundtrip("a.md", md, "escaped", "escaped_word");
}

static void test_subtitles(void **state)
{
	(void)state;
	const char *srt = "1\r\n00:00:01,000 --> 00:00:04,000\r\n<i>Helo</i> there,\r\nmy freind.\r\n\r\n"
			  "2\r\n00:00:05,000 --> 00:00:07,500\r\n{\\an8}Top txt\r\n";
	mtpe_doc *doc = parse("a.srt", srt, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 2);
	assert_string_equal(doc->regions[0].text, "Helo there,\r\nmy freind.");
	assert_string_equal(doc->regions[0].unit, "cue 1");
	assert_string_equal(doc->regions[1].text, "Top txt");
	mtpe_doc_free(doc);
	roundtrip("a.srt", srt, "freind", "friend");
	const char *vtt = "WEBVTT - a title\n\nNOTE a comment teh\n\nintro\n00:01.000 --> 00:04.000 align:start\n"
			  "<v Roger>Helo &amp; welcom</v>\n<c.yellow>second</c> line\n\n00:05.000 --> 00:07.000\nNext cue\n";
	doc = parse("a.vtt", vtt, NULL);
	check_maps(doc);
	assert_int_equal(doc->nregions, 2);
	assert_string_equal(doc->regions[0].text, "Helo & welcom\nsecond line");
	assert_string_equal(doc->regions[0].unit, "cue intro");
	assert_string_equal(doc->regions[1].unit, "cue 2");
	mtpe_doc_free(doc);
	roundtrip("a.vtt", vtt, "welcom", "welcome <you> & all");
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct { const char *name, *text; int line; } cases[] = {
		{ "a.json", "{\"a\": \"x\",\n  \"b\": [1, 2,, 3]}", 2 },
		{ "a.json", "{\"a\": \"unterminated}\n", 1 },
		{ "a.json", "{\"a\": \"bad \\q escape\"}", 1 },
		{ "a.yaml", "a: [1, 2\nb: c\n", 2 },
		{ "a.yaml", "a: b\n  c: d\n", 2 },
		{ "a.po", "msgid \"a\"\nmsgstr \"b\n", 2 },
		{ "a.po", "msgid \"a\"\nmsgtsr \"b\"\n", 2 },
		{ "a.po", "msgid \"a\"\n", 2 },
		{ "a.po", "msgid \"a\"\nmsgstr \"caf\\303\"\n", 2 },
		{ "a.xlf", "<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>a</source>\n<target>b</trget>", 2 },
		{ "a.xlf", "<?xml version=\"1.0\"?>\n<html/>\n", 2 },
		{ "a.srt", "1\n00:00:01,000 -> 00:00:04,000\nx\n", 2 },
		{ "a.srt", "one\n00:00:01,000 --> 00:00:04,000\nx\n", 1 },
		{ "a.vtt", "WEBVT\n\n", 1 },
		{ "a.vtt", "WEBVTT\n\n00:01.000 --> 00:0x.000\nx\n", 3 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mtpe_error err;
		int rc = parse_error(cases[i].name, cases[i].text, &err);
		if (rc != MTPE_EPARSE)
			fail_msg("case %zu (%s): rc %d, expected a parse error", i, cases[i].name, rc);
		if (err.line != cases[i].line)
			fail_msg("case %zu (%s): error at line %d, expected %d (%s)", i, cases[i].name, err.line,
				 cases[i].line, err.msg);
		assert_non_null(strstr(err.msg, "invalid"));
	}
}

static void test_attach_source(void **state)
{
	(void)state;
	char src[] = "/tmp/mtpe-test-src-XXXXXX";
	int fd = mkstemp(src);
	assert_true(fd >= 0);
	const char *s = "Первая строка.\nВторая строка.\nТретья.\n";
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	mtpe_error err;
	mtpe_error_clear(&err);
	mtpe_doc *doc = parse("t.txt", "First line.\n\nThird.\n", NULL);
	assert_int_equal(mtpe_doc_attach_source(doc, src, &err), 0);
	assert_int_equal(doc->nregions, 2);
	assert_string_equal(doc->regions[0].source, "Первая строка.");
	assert_int_equal(doc->regions[0].text_len, strlen("First line."));
	assert_string_equal(doc->regions[1].source, "Третья.");
	assert_int_equal(doc->regions[1].file_start, strlen("First line.\n\n"));
	mtpe_doc_free(doc);
	doc = parse("t.txt", "Only one line.\n", NULL);
	assert_int_equal(mtpe_doc_attach_source(doc, src, &err), MTPE_EINVAL);
	assert_non_null(strstr(err.msg, "3 lines"));
	mtpe_doc_free(doc);
	doc = parse("t.json", "{\"a\": \"b\"}", NULL);
	assert_int_equal(mtpe_doc_attach_source(doc, src, &err), MTPE_EUNSUPPORTED);
	mtpe_doc_free(doc);
	unlink(src);
}

static void test_apply_fixes(void **state)
{
	(void)state;
	const char *js = "{\"a\": \"He said hi\", \"b\": \"teh end\"}";
	mtpe_doc *doc = parse("x.json", js, NULL);
	char *r0[] = { (char *)"\"hi\"" }, *r1[] = { (char *)"the" };
	mtpe_finding f0, f1;
	memset(&f0, 0, sizeof(f0));
	memset(&f1, 0, sizeof(f1));
	f0.offset = (size_t)(strstr(js, "hi") - js);
	f0.length = 2;
	f0.replacements = r0;
	f0.nreplacements = 1;
	f1.offset = (size_t)(strstr(js, "teh") - js);
	f1.length = 3;
	f1.replacements = r1;
	f1.nreplacements = 1;
	const mtpe_finding *sel[] = { &f0, &f1 };
	size_t n = 0, skipped = 9;
	char *out = mtpe_formats_apply_fixes(doc, sel, 2, &n, &skipped);
	assert_string_equal(out, "{\"a\": \"He said \\\"hi\\\"\", \"b\": \"the end\"}");
	assert_int_equal(skipped, 0);
	mtpe_doc *again = parse("x.json", out, NULL);
	assert_string_equal(again->regions[0].text, "He said \"hi\"");
	mtpe_doc_free(again);
	free(out);
	mtpe_doc_free(doc);
	/* a line break cannot go into a plain YAML scalar: skipped, the bytes stay */
	const char *y = "a: one two\n";
	doc = parse("x.yaml", y, NULL);
	char *r2[] = { (char *)"one\ntwo" };
	mtpe_finding f2;
	memset(&f2, 0, sizeof(f2));
	f2.offset = 3;
	f2.length = 7;
	f2.replacements = r2;
	f2.nreplacements = 1;
	const mtpe_finding *sel2[] = { &f2 };
	out = mtpe_formats_apply_fixes(doc, sel2, 1, &n, &skipped);
	assert_string_equal(out, y);
	assert_int_equal(skipped, 1);
	free(out);
	mtpe_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detection), cmocka_unit_test(test_po),        cmocka_unit_test(test_json),
		cmocka_unit_test(test_yaml),      cmocka_unit_test(test_xliff),     cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_subtitles), cmocka_unit_test(test_malformed), cmocka_unit_test(test_attach_source),
		cmocka_unit_test(test_apply_fixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
