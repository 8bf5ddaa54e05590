// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec6ctl: configure the ipsec6 module (IPv6 IPsec with its own SPD and
 * SAD) over its generic netlink family.
 *
 * Global options, the command table and dispatch.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "ipsec6ctl.h"
#include "xfrmgrammar.h"

#ifndef IPSEC6CTL_VERSION
#define IPSEC6CTL_VERSION "0.1"
#endif

struct ctl_options ctl;
static struct nl *the_nl;

struct nl *ctl_nl(void)
{
	if (!the_nl)
		the_nl = nl_open();
	return the_nl;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	int cmdlen = cmd ? (int)strcspn(cmd, " ") : 0;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s%s", PROG_NAME, cmd ? cmd : "",
		cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %.*s%s--help'.\n", PROG_NAME, cmdlen,
		cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

/* Does @argv ask for help ("--help" or "-h" after CMD)? */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (streq(argv[i], "--help") || streq(argv[i], "-h"))
			return true;
	return false;
}

static const char help_main[] =
"Usage: ipsec6ctl [OPTIONS] COMMAND [ARGUMENTS]\n"
"       ipsec6ctl [OPTIONS] -batch FILE\n"
"\n"
"Options (before the command):\n"
"  -j, --json              JSON output of sp, sa, policy/sa list, get and\n"
"                          count, stats and monitor\n"
"  -b, -batch, --batch FILE\n"
"                          run the commands of FILE ('-': standard input)\n"
"                          as one transaction\n"
"  -n, --netns NAME        act in network namespace /run/netns/NAME\n"
"      --dry-run           print the change requests instead of sending\n"
"                          them\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Commands of the Windows ipsec6 tool:\n"
"  sp [IFINDEX]            print the security policies\n"
"  sa                      print the security associations\n"
"  s NAME                  save them to NAME.spd and NAME.sad\n"
"  l [--replace] NAME      load NAME.spd and NAME.sad in one transaction\n"
"  d {sp|sa} {INDEX|all}   delete a policy (and its SAs), an SA, or all\n"
"\n"
"Native commands (\"ip xfrm\" grammar):\n"
"  policy {add|update|del|get|list|flush|count} ...\n"
"  sa {add|update|del|get|list|flush|count} ...\n"
"  stats                   drop counters of the namespace\n"
"  monitor                 print change and SA expiry events until\n"
"                          interrupted\n"
"  help [COMMAND]          this help, or the help of COMMAND\n"
"\n"
"'ipsec6ctl COMMAND --help' shows the arguments of COMMAND.\n"
"Exit status: 0 success, 1 failure, 2 bad command line.\n";

static int cmd_help(int argc, char **argv);
static int cmd_debug(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "sp", cmd_sp, help_sp },
	{ "sa", cmd_sa, help_sa },
	{ "s", cmd_save, help_s },
	{ "l", cmd_load, help_l },
	{ "d", cmd_delete, help_d },
	{ "policy", cmd_policy, help_policy },
	{ "stats", cmd_stats, help_stats },
	{ "monitor", cmd_monitor, help_monitor },
	{ "help", cmd_help, help_main },
	{ "debug", cmd_debug, NULL },
};

static void show_help(const struct command *c, FILE *f)
{
	fputs(c ? c->help : help_main, f);
	if (c && c->fn == cmd_sa)
		alg_print_aliases(f);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
		show_help(NULL, stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error("help", "one command at a time");
	c = find_command(argv[1]);
	if (!c || !c->help) {
		show_help(NULL, stderr);
		return usage_error("help", "unknown command '%s'", argv[1]);
	}
	show_help(c, stdout);
	return 0;
}

/* Hooks for the tests: "debug keywords {sa|policy}". */
static int cmd_debug(int argc, char **argv)
{
	if (argc == 3 && streq(argv[1], "keywords") &&
	    xg_keywords(argv[2], stdout) == 0)
		return 0;
	return usage_error("debug", "usage: debug keywords {sa|policy}");
}

static void enter_netns(const char *name)
{
	char *path;
	int fd;

	if (!*name || streq(name, ".") || streq(name, ".."))
		die("netns: invalid name '%s'", name);
	/* A name, or (containing '/') the path of a namespace file. */
	path = strchr(name, '/') ? xstrdup(name) :
				   xasprintf("/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("netns %s: %s: %s", name, path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0)
		die("netns %s: cannot enter it: %s", name, strerror(errno));
	close(fd);
	free(path);
}

int main(int argc, char **argv)
{
	/* getopt_long_only: -batch and -netns as "ip" spells them. */
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "netns", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *batch = NULL, *netns = NULL, *env;
	const struct command *c;
	struct rlimit no_core = { 0, 0 };
	int i, ret;

	/* Keys pass through this process: no core dumps of it. */
	setrlimit(RLIMIT_CORE, &no_core);
	opterr = 0;
	while ((i = getopt_long_only(argc, argv, "+:jb:n:hV", opts, NULL)) != -1) {
		if (i == 'j') {
			ctl.json = true;
		} else if (i == 'b' || i == 'n') {
			*(i == 'b' ? &batch : &netns) = optarg;
		} else if (i == 'D') {
			nl_opts.dry_run = true;
		} else if (i == 'h') {
			show_help(NULL, stdout);
			return 0;
		} else if (i == 'V') {
			printf("ipsec6ctl %s (ipsec6 netlink family version %d)\n",
			       IPSEC6CTL_VERSION, IPSEC6_GENL_VERSION);
			return 0;
		} else if (i == ':') {
			return usage_error(NULL, "option '%s' needs a value",
					   argv[optind - 1]);
		} else {
			show_help(NULL, stderr);
			return usage_error(NULL, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	i = optind;
	if (batch && i < argc)
		return usage_error(NULL, "'-batch FILE' takes no command ('%s')",
				   argv[i]);
	if (!batch && i >= argc) {
		show_help(NULL, stderr);
		return EXIT_USAGE;
	}

	env = getenv("IPSEC6CTL_DUMP_MSGS");
	nl_opts.dump_msgs = env && *env && strcmp(env, "0");
	env = getenv("IPSEC6CTL_TEST_DUMP_INTR");
	nl_opts.dump_intr = env ? atoi(env) : 0;

	if (netns)
		enter_netns(netns);

	if (batch) {
		ret = cmd_batch(batch);
	} else {
		c = find_command(argv[i]);
		if (!c) {
			show_help(NULL, stderr);
			return usage_error(NULL, "unknown command '%s'",
					   argv[i]);
		}
		if (c->help && c->fn != cmd_help &&
		    wants_help(argc - i, argv + i)) {
			show_help(c, stdout);
			return 0;
		}
		ret = c->fn(argc - i, argv + i);
	}
	nl_close(the_nl);
	if (fflush(stdout) || ferror(stdout)) {
		err_msg("writing the output: %s", strerror(errno));
		ret = 1;
	}
	return ret;
}
