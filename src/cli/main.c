/* main.c - the mtpe executable: dispatch to subcommands (git builtin style). */
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd cmds[] = {
	{ "check", cmd_check, "report MT artifacts in files (CI lint)" },
	{ "rules", cmd_rules, "list, show or test the rules" },
	{ "review", cmd_review, "accept or reject every fix in a terminal UI (line mode without a TTY)" },
	{ "fix", cmd_fix, "apply the safe fixes without asking (--diff to preview)" },
	{ "report", cmd_report, "write a QA report (HTML, Markdown, JSON, CSV) with an MQM-style score" },
};

static void usage(FILE *to)
{
	fprintf(to, "usage: mtpe [--version] [--help] <command> [<args>]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(to, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(to, "\n'mtpe <command> --help' describes a command. Exit codes: 0 clean, 1 findings,\n"
		    "2 usage error, 3 runtime error (unreadable file, invalid UTF-8, bad rule file).\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/*
	 * A long file is checked piece by piece: each piece's arrays (megabytes) are
	 * freed when it is done. Fixed thresholds send such blocks to mmap and give
	 * freed memory back, where glibc's adaptive ones would keep it (peak memory
	 * on 100 MB: -8%; bench/bench.py).
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 20);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("mtpe %s\n", MTPE_VERSION);
		return 0;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		name = argv[2];
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(cmds[i].name, name)) {
				char *hargv[] = { argv[2], "--help", NULL };
				return cmds[i].fn(2, hargv);
			}
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return cmds[i].fn(argc - 1, argv + 1);
	cli_error("'%s' is not a command; see 'mtpe --help'", name);
	return EXIT_USAGE;
}
