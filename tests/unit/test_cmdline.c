/*
 * test_cmdline.c - host unit tests for the hypervisor command-line parser,
 * hv/common/cmdline.c: integer, boolean and string options, ranges and
 * choices, the report callback, and the count of bad words it returns.
 *
 * The hypervisor finds its options in the .data.param section; here the
 * test hands cmdline_parse() its own table of struct kernel_param.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include <hv/cmdline.h>

static unsigned int opt_num, opt_nums, opt_pct;
static bool opt_flag;
static char opt_str[8], opt_lvl[8];
static const char *const lvls[] = { "low", "high", NULL };

static const struct kernel_param params[] = {
    { "num", PARAM_UINT, &opt_num, 0, 0, UINT32_MAX, NULL },
    { "nums", PARAM_UINT, &opt_nums, 0, 0, UINT32_MAX, NULL },
    { "flag", PARAM_BOOL, &opt_flag, 0, 0, 0, NULL },
    { "name", PARAM_STRING, opt_str, sizeof(opt_str), 0, 0, NULL },
    { "pct", PARAM_UINT, &opt_pct, 0, 1, 100, NULL },
    { "lvl", PARAM_STRING, opt_lvl, sizeof(opt_lvl), 0, 0, lvls },
};

/* What the report callback was told, in order. */
#define MAX_REPORTS 8
static struct {
    char word[256];
    char why[128];
} reports[MAX_REPORTS];
static int nr_reports;

static void report(const char *word, const char *why)
{
    if (nr_reports < MAX_REPORTS) {
        snprintf(reports[nr_reports].word, sizeof(reports[0].word), "%s", word);
        snprintf(reports[nr_reports].why, sizeof(reports[0].why), "%s", why);
    }
    nr_reports++;
}

/* Sets the options to known values, parses cmdline, returns the count. */
static int parse(const char *cmdline)
{
    opt_num = 1111;
    opt_nums = 2222;
    opt_flag = false;
    opt_pct = 50;
    strcpy(opt_str, "init");
    strcpy(opt_lvl, "low");
    memset(reports, 0, sizeof(reports));
    nr_reports = 0;
    return cmdline_parse(cmdline, params, params + ARRAY_SIZE(params), report);
}

/*
 * Checks a command line with exactly one bad word: the count is 1, and the
 * callback got that word and a reason containing why.
 */
static void bad_word(const char *cmdline, const char *word, const char *why)
{
    tap_is_int(parse(cmdline), 1, "'%s': one bad word", cmdline);
    tap_is_int(nr_reports, 1, "  reported once");
    tap_is_str(reports[0].word, word, "  the report names the word");
    tap_like(reports[0].why, why, "  the reason says '%s'", why);
}

static void test_integers(void)
{
    tap_is_int(parse("num=42"), 0, "'num=42' parses");
    tap_is_uint(opt_num, 42, "  num is 42");
    tap_is_int(nr_reports, 0, "  nothing reported");
    parse("num=0x1F");
    tap_is_uint(opt_num, 0x1f, "'num=0x1F' is hex");
    parse("num=0XfF");
    tap_is_uint(opt_num, 0xff, "'num=0XfF' is hex");
    parse("num=0");
    tap_is_uint(opt_num, 0, "'num=0' is zero");
    parse("num=010");
    tap_is_uint(opt_num, 10, "'num=010' is decimal");
    parse("num=4294967295");
    tap_is_uint(opt_num, 4294967295u, "'num=4294967295' is UINT_MAX");
    parse("nums=5");
    tap_is_uint(opt_nums, 5, "'nums=5' sets nums");
    tap_is_uint(opt_num, 1111, "  and not num, whose name is a prefix");

    bad_word("num=12abc", "num=12abc", "expects a number");
    tap_is_uint(opt_num, 1111, "  num unchanged");
    bad_word("num=", "num=", "expects a number");
    bad_word("num", "num", "expects a number");
    bad_word("num=-1", "num=-1", "expects a number");
    bad_word("num=0x", "num=0x", "expects a number");
    bad_word("num=0x1g", "num=0x1g", "expects a number");
    bad_word("no-num", "no-num", "unknown option");

    /* Values that do not fit in an unsigned int must not wrap around. */
    bad_word("num=4294967296", "num=4294967296", "expects a number");
    tap_is_uint(opt_num, 1111, "  num unchanged");
}

static void test_booleans(void)
{
    static const struct {
        const char *cmdline;
        bool value;
    } good[] = {
        { "flag", true },      { "flag=1", true },    { "flag=0", false },
        { "flag=yes", true },  { "flag=no", false },  { "flag=on", true },
        { "flag=off", false }, { "flag=true", true }, { "flag=false", false },
        { "no-flag", false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        int errors;

        /* Start from the other value, so that the parse must change it. */
        nr_reports = 0;
        opt_flag = !good[i].value;
        errors = cmdline_parse(good[i].cmdline, params,
                               params + ARRAY_SIZE(params), report);
        tap_is_int(errors, 0, "'%s' parses", good[i].cmdline);
        tap_is_int(opt_flag, good[i].value, "  flag is %s",
                   good[i].value ? "true" : "false");
    }

    bad_word("flag=maybe", "flag=maybe", "expects a boolean");
    bad_word("flag=", "flag=", "expects a boolean");
    bad_word("flag=2", "flag=2", "expects a boolean");
    bad_word("no-flag=1", "no-flag=1", "expects a boolean");
    bad_word("noflag", "noflag", "unknown option");
    bad_word("no-flagx", "no-flagx", "unknown option");
    bad_word("no-", "no-", "unknown option");

    opt_flag = true;
    nr_reports = 0;
    cmdline_parse("flag=maybe", params, params + ARRAY_SIZE(params), report);
    tap_is_int(opt_flag, true, "a bad boolean leaves the flag alone");
}

static void test_strings(void)
{
    tap_is_int(parse("name=abc"), 0, "'name=abc' parses");
    tap_is_str(opt_str, "abc", "  name is abc");
    tap_is_int(parse("name=1234567"), 0, "'name=1234567' (7 of 8) parses");
    tap_is_str(opt_str, "1234567", "  name is 1234567");
    tap_is_int(parse("name=a=b"), 0, "'name=a=b' parses");
    tap_is_str(opt_str, "a=b", "  only the first '=' separates");
    tap_is_int(parse("name="), 0, "'name=' parses");
    tap_is_str(opt_str, "", "  name is empty");

    bad_word("name=12345678", "name=12345678", "value too long");
    tap_is_str(opt_str, "init", "  name unchanged");
    bad_word("name", "name", "expects a value");
    bad_word("no-name", "no-name", "unknown option");
}

static void test_words(void)
{
    char longword[201];

    bad_word("bogus", "bogus", "unknown option");
    bad_word("bogus=1", "bogus=1", "unknown option");
    bad_word("nu=1", "nu=1", "unknown option");
    bad_word("numx=1", "numx=1", "unknown option");
    bad_word("NUM=1", "NUM=1", "unknown option");

    tap_is_int(parse("  num=7   flag  name=xy  "), 0,
               "three options among extra spaces");
    tap_is_uint(opt_num, 7, "  num");
    tap_is_int(opt_flag, true, "  flag");
    tap_is_str(opt_str, "xy", "  name");
    tap_is_int(nr_reports, 0, "  nothing reported");

    tap_is_int(parse(""), 0, "an empty command line");
    tap_is_int(parse("    "), 0, "a command line of spaces");
    tap_is_uint(opt_num, 1111, "  sets nothing");
    tap_is_int(parse("num=1 num=2"), 0, "an option given twice");
    tap_is_uint(opt_num, 2, "  the last one counts");

    tap_is_int(parse("num= 5"), 2, "'num= 5' is two bad words");
    tap_is_str(reports[0].word, "num=", "  first 'num='");
    tap_is_str(reports[1].word, "5", "  then '5'");
    tap_like(reports[1].why, "unknown option", "  which is unknown");

    tap_is_int(parse("bogus num=x flag=2 num=5 name=toolongvalue flag"), 4,
               "four bad words among good ones");
    tap_is_int(nr_reports, 4, "  four reports");
    tap_is_str(reports[0].word, "bogus", "  1st word");
    tap_like(reports[0].why, "unknown option", "  1st reason");
    tap_is_str(reports[1].word, "num=x", "  2nd word");
    tap_like(reports[1].why, "expects a number", "  2nd reason");
    tap_is_str(reports[2].word, "flag=2", "  3rd word");
    tap_like(reports[2].why, "expects a boolean", "  3rd reason");
    tap_is_str(reports[3].word, "name=toolongvalue", "  4th word");
    tap_like(reports[3].why, "value too long", "  4th reason");
    tap_is_uint(opt_num, 5, "  the good num after the bad one is set");
    tap_is_int(opt_flag, true, "  the good flag is set");

    opt_num = 0;
    tap_is_int(
        cmdline_parse("bogus num=3", params, params + ARRAY_SIZE(params), NULL),
        1, "no report callback: still counted");
    tap_is_uint(opt_num, 3, "  and the good option set");

    nr_reports = 0;
    tap_is_int(cmdline_parse("num=1 flag", params, params, report), 2,
               "an empty option table: every word is unknown");

    memset(longword, 'w', 200);
    longword[200] = '\0';
    tap_is_int(parse(longword), 1, "a 200-character unknown word");
    tap_is_uint(strlen(reports[0].word), 127, "  reported as its first 127");
    tap_ok(!strncmp(reports[0].word, longword, 127), "  characters");
}

/* Ranges and choices: a value outside is reported, and not applied. */
static void test_limits(void)
{
    tap_is_int(parse("pct=1 lvl=high"), 0, "'pct=1 lvl=high' parses");
    tap_is_uint(opt_pct, 1, "  pct is 1");
    tap_is_str(opt_lvl, "high", "  lvl is high");
    parse("pct=100");
    tap_is_uint(opt_pct, 100, "'pct=100': the top of the range");
    bad_word("pct=0", "pct=0", "expects a number from 1 to 100");
    tap_is_uint(opt_pct, 50, "  pct kept its value");
    bad_word("pct=101", "pct=101", "expects a number from 1 to 100");
    tap_is_uint(opt_pct, 50, "  pct kept its value");
    bad_word("lvl=bogus", "lvl=bogus", "expects one of low, high");
    tap_is_str(opt_lvl, "low", "  lvl kept its value");
    bad_word("lvl=lo", "lvl=lo", "expects one of low, high");
    bad_word("lvl=lowest", "lvl=lowest", "expects one of low, high");
    tap_is_int(parse("pct=7 lvl=nope nosuch pct=900"), 3,
               "three bad words of four");
    tap_is_uint(opt_pct, 7, "  the good one applied");
}

int main(void)
{
    test_integers();
    test_booleans();
    test_strings();
    test_words();
    test_limits();
    return tap_done();
}
