/* cmd_rules.c - `mtpe rules list|show ID|test [ID]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"

static void help(void)
{
	printf("usage: mtpe rules list         one rule per line: id, category, severity, message\n"
	       "       mtpe rules show ID        a rule in full, with its examples\n"
	       "       mtpe rules test [ID] [-v] run every rule's examples (exit 1 on a failure)\n\n%s",
	       cli_common_help);
}

struct test_state {
	bool verbose;
	size_t passed, failed;
};

static void on_result(const mtpe_rule_test_result *r, void *data)
{
	struct test_state *st = data;
	if (r->ok) {
		st->passed++;
		if (st->verbose)
			printf("ok   %s: %s \"%s\"\n", r->rule, r->example->kind == MTPE_EXAMPLE_BAD ? "bad" : "good", r->example->text);
		return;
	}
	st->failed++;
	printf("FAIL %s (line %d): %s \"%s\": %s\n", r->rule, r->example->line,
	       r->example->kind == MTPE_EXAMPLE_BAD ? "bad" : "good", r->example->text, r->msg);
}

int cmd_rules(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "rules", false };
	const char *pos[4] = { 0 };
	size_t npos = 0;
	bool verbose = false;
	cli_common_init(&common);
	for (; it.i < argc; it.i++) {
		const char *a = argv[it.i];
		if (a[0] != '-') {
			if (npos >= 3) {
				cli_error("rules: too many arguments");
				return EXIT_USAGE;
			}
			pos[npos++] = a;
			continue;
		}
		if (opt_flag2(&it, "help", 'h')) {
			help();
			return 0;
		}
		if (opt_flag2(&it, "verbose", 'v')) {
			verbose = true;
			continue;
		}
		int rc = cli_common_opt(&common, &it);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc == 0) {
			opt_unknown(&it);
			return EXIT_USAGE;
		}
	}
	const char *sub = npos ? pos[0] : "list";
	if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "test")) {
		cli_error("rules: unknown subcommand '%s' (list, show, test)", sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "show") && npos != 2) {
		cli_error("rules show: give one rule id");
		return EXIT_USAGE;
	}
	mtpe_checker *chk = cli_checker_new(&common);
	if (!chk)
		return EXIT_RUNTIME;
	int ret = 0;
	size_t n = mtpe_checker_rule_count(chk);
	if (!strcmp(sub, "list")) {
		for (size_t i = 0; i < n; i++) {
			mtpe_rule_info ri;
			mtpe_checker_rule(chk, i, &ri);
			printf("%-34s %-14s %-8s %s%s\n", ri.id, mtpe_category_name(ri.category), mtpe_severity_name(ri.severity),
			       ri.message, ri.enabled ? "" : " (disabled)");
		}
	} else if (!strcmp(sub, "show")) {
		long k = mtpe_checker_rule_find(chk, pos[1]);
		if (k < 0) {
			cli_error("rules show: no rule '%s' (see 'mtpe rules list')", pos[1]);
			ret = EXIT_USAGE;
		} else {
			mtpe_rule_info ri;
			mtpe_checker_rule(chk, (size_t)k, &ri);
			printf("%s\n  category:  %s\n  severity:  %s%s\n  message:   %s\n", ri.id, mtpe_category_name(ri.category),
			       mtpe_severity_name(ri.severity), ri.enabled ? "" : " (disabled)", ri.message);
			if (ri.description)
				printf("  about:     %s\n", ri.description);
			if (ri.pattern)
				printf("  pattern:   %s\n", ri.pattern);
			if (ri.check)
				printf("  check:     %s (built in)\n", ri.check);
			for (size_t i = 0; i < ri.nreplacements; i++)
				printf("  replace:   %s\n", ri.replacements[i]);
			printf("  safe fix:  %s\n  defined:   %s:%d\n  examples:\n", ri.safe ? "yes" : "no", ri.file, ri.line);
			for (size_t i = 0; i < ri.nexamples; i++) {
				const mtpe_example *e = &ri.examples[i];
				printf("    %s: %s\n", e->kind == MTPE_EXAMPLE_BAD ? "bad " : "good", e->text);
				if (e->fix)
					printf("    fix : %s\n", e->fix);
			}
		}
	} else {
		const char *only = npos > 1 ? pos[1] : NULL;
		if (only && mtpe_checker_rule_find(chk, only) < 0) {
			cli_error("rules test: no rule '%s'", only);
			mtpe_checker_free(chk);
			return EXIT_USAGE;
		}
		struct test_state st = { verbose, 0, 0 };
		mtpe_checker_test_rules(chk, only, on_result, &st);
		printf("%zu rule%s, %zu example%s passed, %zu failed\n", only ? (size_t)1 : n, (only || n == 1) ? "" : "s",
		       st.passed, st.passed == 1 ? "" : "s", st.failed);
		ret = st.failed ? EXIT_FINDINGS : 0;
	}
	mtpe_checker_free(chk);
	return ret;
}
