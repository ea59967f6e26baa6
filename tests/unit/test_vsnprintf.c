/*
 * test_vsnprintf.c - host unit tests for klib: the formatted output of
 * lib/vsnprintf.c (vsnprintf, snprintf) and the string functions of
 * lib/string.c.
 *
 * Every format check runs the same format and arguments through glibc's
 * vsnprintf (the oracle) and klib's, and compares the return values and
 * the whole output buffers, including the bytes past the terminator (they
 * must be left alone). The string functions are checked against fixed
 * expected results.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "tap.h"

/*
 * The functions under test, under the hv_* names the Makefile gives them
 * (see klib_names.h); then glibc's names back, so that below snprintf,
 * memset etc. are glibc's and every klib call is spelled hv_*.
 */
#include "klib_names.h"
#include <klib.h>
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy
#undef parse_u32
#undef vsnprintf
#undef snprintf

#define BUFSZ 96

/*
 * Formats with klib and glibc into buffers of BUFSZ bytes prefilled with
 * '#', telling both that the buffer holds size bytes; one check that the
 * return values and all BUFSZ bytes agree. args is the argument list as
 * text, for the description.
 */
static __attribute__((format(printf, 3, 4))) void
check_size(size_t size, const char *args, const char *fmt, ...)
{
    char got[BUFSZ], want[BUFSZ];
    size_t len_got, len_want;
    int n_got, n_want;
    va_list ap, ap2;

    memset(got, '#', sizeof(got));
    memset(want, '#', sizeof(want));
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n_want = vsnprintf(want, size, fmt, ap);
    n_got = hv_vsnprintf(got, size, fmt, ap2);
    va_end(ap2);
    va_end(ap);

    if (tap_ok(n_got == n_want && !memcmp(got, want, sizeof(got)),
               "size %zu: \"%s\"%s%s", size, fmt, *args ? ", " : "", args))
        return;
    len_got = strnlen(got, sizeof(got));
    len_want = strnlen(want, sizeof(want));
    printf("# %10s: returns %d, text ", "got", n_got);
    tap_put_quoted(got, len_got);
    printf("\n# %10s: returns %d, text ", "expected", n_want);
    tap_put_quoted(want, len_want);
    putchar('\n');
    if (n_got == n_want && len_got == len_want && !memcmp(got, want, len_got))
        tap_diag("only the bytes after the text differ");
}

/*
 * CHECK(fmt, args...) checks a format with a buffer of BUFSZ bytes,
 * CHECK_N(size, fmt, args...) with a buffer of size bytes.
 */
#define CHECK_N(size, fmt, ...)                                                \
    check_size(size, #__VA_ARGS__, fmt, ##__VA_ARGS__)
#define CHECK(fmt, ...) CHECK_N(BUFSZ, fmt, ##__VA_ARGS__)

static void test_integers(void)
{
    CHECK("%d", 0);
    CHECK("%d", 42);
    CHECK("%d", -42);
    CHECK("%d", INT_MAX);
    CHECK("%d", INT_MIN);
    CHECK("%i", -7);
    CHECK("%i", 123456789);
    CHECK("%u", 0u);
    CHECK("%u", 3000000000u);
    CHECK("%u", UINT_MAX);
    CHECK("%x", 0u);
    CHECK("%x", 0xdeadbeefu);
    CHECK("%X", 0xdeadbeefu);
    CHECK("%o", 0u);
    CHECK("%o", 8u);
    CHECK("%o", UINT_MAX);
    CHECK("a%db%uc%xd%Xe%of", -1, 2u, 0xabu, 0xcdu, 9u);
}

static void test_flags(void)
{
    CHECK("[%5d]", 42);
    CHECK("[%-5d]", 42);
    CHECK("[%-5d]", -42);
    CHECK("[%05d]", 42);
    CHECK("[%05d]", -42);
    CHECK("[%05d]", 0);
    CHECK("[%+d]", 42);
    CHECK("[%+d]", -42);
    CHECK("[%+d]", 0);
    CHECK("[% d]", 42);
    CHECK("[% d]", -42);
    CHECK("[% d]", 0);
    CHECK("[%+5d]", 42);
    CHECK("[%+05d]", 42);
    CHECK("[%+05d]", -42);
    CHECK("[% 05d]", 42);
    CHECK("[%-+6d]", 42);
    CHECK("[%- 6d]", 42);
    CHECK("[%2d]", 12345);
    CHECK("[%#x]", 255u);
    CHECK("[%#X]", 255u);
    CHECK("[%#x]", 0u);
    CHECK("[%#X]", 0u);
    CHECK("[%#o]", 8u);
    CHECK("[%#o]", 0u);
    CHECK("[%#08x]", 255u);
    CHECK("[%#8x]", 255u);
    CHECK("[%-#8x]", 255u);
    CHECK("[%#5o]", 8u);
    CHECK("[%#05o]", 8u);
    CHECK("[%08X]", 0xabcu);
    CHECK("[%-8x]", 0xabcu);
}

/*
 * Flag combinations where C says one flag is ignored ('0' with '-' or with
 * a precision, ' ' with '+', sign flags with unsigned conversions). gcc
 * warns about them in a literal format, so they go through a table.
 */
static void test_ignored_flags(void)
{
    static const char *const int_fmts[] = {
        "[%-05d]", "[%0-5d]", "[%05.3d]", "[%08.0d]",
        "[%+ d]",  "[% +d]",  "[%-+05d]",
    };
    static const int ints[] = { 0, 7, -42 };
    static const char *const uint_fmts[] = {
        "[%+u]", "[% u]", "[%+x]", "[% x]", "[%05.3x]", "[%-#08x]", "[%+o]",
    };
    static const unsigned int uints[] = { 0, 255 };

    char arg[16];

    for (size_t f = 0; f < ARRAY_SIZE(int_fmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
            snprintf(arg, sizeof(arg), "%d", ints[i]);
            check_size(BUFSZ, arg, int_fmts[f], ints[i]);
        }
    for (size_t f = 0; f < ARRAY_SIZE(uint_fmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(uints); i++) {
            snprintf(arg, sizeof(arg), "%uu", uints[i]);
            check_size(BUFSZ, arg, uint_fmts[f], uints[i]);
        }
}

static void test_width_precision(void)
{
    CHECK("[%.3d]", 7);
    CHECK("[%.3d]", -7);
    CHECK("[%.3d]", 12345);
    CHECK("[%8.3d]", -7);
    CHECK("[%-8.3d]", -7);
    CHECK("[%.10x]", 0xabcu);
    CHECK("[%#.10x]", 0xabcu);
    CHECK("[%.1d]", 0);
    /* Zero with precision 0 prints no digits. */
    CHECK("[%.0d]", 0);
    CHECK("[%.d]", 0);
    CHECK("[%.0d]", 1);
    CHECK("[%.0u]", 0u);
    CHECK("[%.0x]", 0u);
    CHECK("[%.0o]", 0u);
    CHECK("[%5.0d]", 0);
    CHECK("[%-5.0d]", 0);
    CHECK("[%+.0d]", 0);
    CHECK("[% .0d]", 0);
    CHECK("[%#.0x]", 0u);
    CHECK("[%#.0o]", 0u);
    CHECK("[%#.3o]", 8u);
    CHECK("[%#.5o]", 8u);
    /* '*' width and precision; a negative width means '-'. */
    CHECK("[%*d]", 6, 42);
    CHECK("[%*d]", -6, 42);
    CHECK("[%-*d]", 6, 42);
    CHECK("[%*d]", 0, 42);
    CHECK("[%.*d]", 4, 42);
    CHECK("[%.*d]", -1, 0);
    CHECK("[%.*d]", -5, 42);
    CHECK("[%.*d]", 0, 0);
    CHECK("[%*.*d]", 8, 4, -42);
    CHECK("[%*.*d]", -8, 4, -42);
    CHECK("[%*s]", 6, "ab");
    CHECK("[%*s]", -6, "ab");
    CHECK("[%.*s]", 3, "abcdef");
    CHECK("[%.*s]", 10, "abc");
    CHECK("[%.*s]", 0, "abc");
    CHECK("[%.*s]", -1, "abc");
    CHECK("[%*.*s]", 6, 2, "abc");
}

static void test_length_modifiers(void)
{
    CHECK("%hhd", 200);
    CHECK("%hhd", -128);
    CHECK("%hhi", 127);
    CHECK("%hhu", 300);
    CHECK("%hhx", 0x1ff);
    CHECK("%hho", 0x1ff);
    CHECK("%hd", 40000);
    CHECK("%hd", -32768);
    CHECK("%hu", 70000);
    CHECK("%hx", 0x12345);
    CHECK("%hX", 0xfedcba);
    CHECK("%ld", LONG_MIN);
    CHECK("%ld", LONG_MAX);
    CHECK("%li", -1L);
    CHECK("%lu", ULONG_MAX);
    CHECK("%lx", ULONG_MAX);
    CHECK("%lo", ULONG_MAX);
    CHECK("%lld", LLONG_MIN);
    CHECK("%lld", LLONG_MIN + 1);
    CHECK("%lld", LLONG_MAX);
    CHECK("%lli", -1LL);
    CHECK("%llu", ULLONG_MAX);
    CHECK("%llx", ULLONG_MAX);
    CHECK("%llX", 0x0123456789abcdefULL);
    CHECK("%llo", ULLONG_MAX);
    CHECK("%#llo", ULLONG_MAX);
    CHECK("%#llx", ULLONG_MAX);
    CHECK("[%30lld]", LLONG_MIN);
    CHECK("[%-30lld]", LLONG_MIN);
    CHECK("[%030lld]", LLONG_MIN);
    CHECK("[%+lld]", LLONG_MAX);
    CHECK("[%.25lld]", LLONG_MIN);
    CHECK("%zu", (size_t)0);
    CHECK("%zu", SIZE_MAX);
    CHECK("%zx", (size_t)0xabcdef);
    CHECK("%zd", (ssize_t)-5);
    CHECK("[%5zu]", sizeof(int));
    CHECK("%hhd %hd %d %ld %lld %zu", 1, 2, 3, 4L, 5LL, (size_t)6);
}

static void test_pointers_strings_chars(void)
{
    int var;
    const char *volatile null_str = NULL;
    const char unterminated[3] = { 'a', 'b', 'c' };

    CHECK("%p", (void *)&var);
    CHECK("%p", (void *)0x1000);
    CHECK("[%30p]", (void *)&var);
    CHECK("[%-30p]", (void *)&var);
    CHECK("%s", "hello");
    CHECK("[%s]", "");
    CHECK("[%8s]", "abc");
    CHECK("[%-8s]", "abc");
    CHECK("[%2s]", "abcdef");
    CHECK("[%.2s]", "abcdef");
    CHECK("[%8.2s]", "abcdef");
    CHECK("[%-8.2s]", "abcdef");
    /* A precision lets the string be an array without a terminator. */
    CHECK("[%.3s]", unterminated);
    CHECK("[%s]", null_str);
    CHECK("[%c]", 'A');
    CHECK("[%3c]", 'A');
    CHECK("[%-3c]", 'A');
    CHECK("[%c]", 0);
    CHECK("100%%");
    CHECK("%%d %%%d%%", 5);
    CHECK("no conversions at all");
    CHECK("%s=%d (%#x)%c", "x", 10, 10u, '!');
}

/* Output that does not fit: the full length is returned, the buffer ends
 * in a terminator, nothing past size is written. */
static void test_truncation(void)
{
    char buf[8];
    int n;

    CHECK_N(5, "%d", 1234567);
    CHECK_N(5, "%s", "abcd");
    CHECK_N(5, "%s", "abcde");
    CHECK_N(4, "ab%c", 'c');
    CHECK_N(1, "%s", "abc");
    CHECK_N(0, "%s", "abc");
    CHECK_N(8, "[%-10s]", "ab");
    CHECK_N(8, "[%10s]", "ab");
    CHECK_N(6, "%lld", LLONG_MIN);
    CHECK_N(3, "%#x", 0xabcdu);
    CHECK_N(2, "%%%%%%");

    /* size 0 with no buffer at all, as used to measure. */
    n = hv_snprintf(NULL, 0, "%d-%s", 12345, "abc");
    tap_is_int(n, 9, "hv_snprintf(NULL, 0, ...) returns the full length");

    memset(buf, '#', sizeof(buf));
    n = hv_snprintf(buf, 4, "%s", "abcdef");
    tap_is_int(n, 6, "hv_snprintf truncating returns the full length");
    tap_is_mem(buf, "abc\0####", 8,
               "hv_snprintf truncating terminates, leaves the rest alone");
}

/* snprintf is vsnprintf behind "..."; once is enough. */
static void test_snprintf(void)
{
    char buf[32];
    int n;

    n = hv_snprintf(buf, sizeof(buf), "%s-%05d-%c", "dom", 42, 'z');
    tap_is_int(n, 11, "hv_snprintf returns the length");
    tap_is_str(buf, "dom-00042-z", "hv_snprintf formats");
}

static void test_memory_functions(void)
{
    char buf[16], src[16];
    void *r;

    memset(buf, '#', sizeof(buf));
    r = hv_memcpy(buf, "abcdef", 3);
    tap_ok(r == buf, "memcpy returns dst");
    tap_is_mem(buf, "abc#####", 8, "memcpy copies n bytes, no more");

    memcpy(buf, "0123456789", 11);
    r = hv_memmove(buf + 2, buf, 5);
    tap_ok(r == buf + 2, "memmove returns dst");
    tap_is_str(buf, "0101234789", "memmove overlapping, dst above src");

    memcpy(buf, "0123456789", 11);
    hv_memmove(buf, buf + 3, 5);
    tap_is_str(buf, "3456756789", "memmove overlapping, dst below src");

    memcpy(buf, "0123456789", 11);
    hv_memmove(buf + 1, buf, 9);
    tap_is_str(buf, "0012345678", "memmove overlapping by all but one byte");

    memcpy(buf, "0123456789", 11);
    hv_memmove(buf + 4, buf + 4, 3);
    tap_is_str(buf, "0123456789", "memmove onto itself");

    memcpy(buf, "0123456789", 11);
    memcpy(src, "abcdefghij", 11);
    hv_memmove(buf + 5, src, 3);
    tap_is_str(buf, "01234abc89", "memmove without overlap");

    memset(buf, '#', sizeof(buf));
    r = hv_memset(buf + 1, 0x141, 3); /* only the low byte counts */
    tap_ok(r == buf + 1, "memset returns dst");
    tap_is_mem(buf, "#AAA####", 8, "memset fills n bytes with (char)c");
    hv_memset(buf, 'z', 0);
    tap_is_mem(buf, "#AAA####", 8, "memset of 0 bytes writes nothing");

    tap_is_int(hv_memcmp("abcd", "abcd", 4), 0, "memcmp equal");
    tap_ok(hv_memcmp("abcd", "abce", 4) < 0, "memcmp less");
    tap_ok(hv_memcmp("abce", "abcd", 4) > 0, "memcmp greater");
    tap_ok(hv_memcmp("ab\x80", "ab\x01", 3) > 0,
           "memcmp compares bytes as unsigned");
    tap_is_int(hv_memcmp("abcX", "abcY", 3), 0, "memcmp stops after n bytes");
    tap_is_int(hv_memcmp("a\0b", "a\0b", 3), 0, "memcmp goes past NULs");
    tap_ok(hv_memcmp("a\0b", "a\0c", 3) < 0, "memcmp sees bytes past a NUL");
}

static void test_string_functions(void)
{
    const char *s = "hello, world";
    char buf[8];
    size_t n;

    tap_is_uint(hv_strlen(""), 0, "strlen of \"\"");
    tap_is_uint(hv_strlen(s), 12, "strlen");
    tap_is_uint(hv_strnlen(s, 5), 5, "strnlen stops at max");
    tap_is_uint(hv_strnlen(s, 100), 12, "strnlen stops at the terminator");
    tap_is_uint(hv_strnlen(s, 0), 0, "strnlen with max 0");

    tap_is_int(hv_strcmp("abc", "abc"), 0, "strcmp equal");
    tap_ok(hv_strcmp("abc", "abd") < 0, "strcmp less");
    tap_ok(hv_strcmp("abd", "abc") > 0, "strcmp greater");
    tap_ok(hv_strcmp("ab", "abc") < 0, "strcmp: a prefix sorts first");
    tap_ok(hv_strcmp("abc", "ab") > 0, "strcmp: a longer string sorts last");
    tap_ok(hv_strcmp("\x80", "a") > 0, "strcmp compares as unsigned char");
    tap_is_int(hv_strncmp("abcX", "abcY", 3), 0, "strncmp stops after n");
    tap_ok(hv_strncmp("abcX", "abcY", 4) < 0, "strncmp sees the nth byte");
    tap_is_int(hv_strncmp("ab\0X", "ab\0Y", 4), 0, "strncmp stops at a NUL");
    tap_ok(hv_strncmp("ab", "abc", 5) < 0, "strncmp: a prefix sorts first");
    tap_is_int(hv_strncmp("x", "y", 0), 0, "strncmp of 0 bytes");

    tap_ok(hv_strchr(s, 'o') == s + 4, "strchr finds the first match");
    tap_ok(hv_strchr(s, 'z') == NULL, "strchr returns NULL if absent");
    tap_ok(hv_strchr(s, '\0') == s + 12, "strchr finds the terminator");
    tap_ok(hv_strrchr(s, 'o') == s + 8, "strrchr finds the last match");
    tap_ok(hv_strrchr(s, 'h') == s, "strrchr finds a match at the start");
    tap_ok(hv_strrchr(s, 'z') == NULL, "strrchr returns NULL if absent");
    tap_ok(hv_strrchr(s, '\0') == s + 12, "strrchr finds the terminator");

    memset(buf, '#', sizeof(buf));
    n = hv_strlcpy(buf, "abc", sizeof(buf));
    tap_is_uint(n, 3, "strlcpy returns strlen(src)");
    tap_is_mem(buf, "abc\0####", 8, "strlcpy copies a string that fits");
    memset(buf, '#', sizeof(buf));
    n = hv_strlcpy(buf, "abcdefghijk", 5);
    tap_is_uint(n, 11, "strlcpy truncating returns strlen(src)");
    tap_is_mem(buf, "abcd\0###", 8, "strlcpy truncates to size-1, terminates");
    memset(buf, '#', sizeof(buf));
    hv_strlcpy(buf, "abcd", 5);
    tap_is_mem(buf, "abcd\0###", 8, "strlcpy of exactly size-1 characters");
    memset(buf, '#', sizeof(buf));
    n = hv_strlcpy(buf, "abc", 0);
    tap_is_uint(n, 3, "strlcpy with size 0 returns strlen(src)");
    tap_is_mem(buf, "########", 8, "strlcpy with size 0 writes nothing");
}

static void test_parse_u32(void)
{
    const char *end;
    const char *s;
    uint32_t v;

    s = "1234xyz";
    tap_ok(hv_parse_u32(s, &end, 0, &v), "parse_u32 base 0 decimal succeeds");
    tap_is_uint(v, 1234, "parse_u32 base 0 decimal value");
    tap_ok(end == s + 4, "parse_u32: end points past the digits");
    s = "0x1fZ";
    tap_ok(hv_parse_u32(s, &end, 0, &v) && v == 0x1f, "parse_u32 base 0 hex");
    tap_ok(end == s + 4, "parse_u32 hex: end points past the digits");
    s = "0XaBc";
    tap_ok(hv_parse_u32(s, &end, 0, &v) && v == 0xabc,
           "parse_u32 base 0 hex, 0X and mixed case");
    tap_ok(end == s + 5, "parse_u32 hex: end at the terminator");
    s = "010";
    tap_ok(hv_parse_u32(s, &end, 0, &v) && v == 10,
           "parse_u32 base 0: a leading 0 is still decimal");
    s = "0xg";
    tap_ok(hv_parse_u32(s, &end, 0, &v) && v == 0,
           "parse_u32: 0x without a hex digit is the number 0");
    tap_ok(end == s + 1, "parse_u32: 0x without a hex digit ends at the x");
    s = "";
    tap_ok(!hv_parse_u32(s, &end, 0, &v), "parse_u32 of \"\" fails: no digits");
    tap_ok(end == s, "parse_u32 of \"\": end is the start");
    s = "-5";
    tap_ok(!hv_parse_u32(s, &end, 0, &v), "parse_u32: no sign accepted");
    tap_ok(end == s, "parse_u32: a sign leaves end at the start");
    tap_ok(hv_parse_u32("ff", NULL, 16, &v) && v == 255,
           "parse_u32 base 16 without prefix, end NULL");
    tap_ok(hv_parse_u32("129", &end, 8, &v) && v == 10,
           "parse_u32 base 8 stops at 9");
    tap_ok(hv_parse_u32("4294967295", NULL, 10, &v) && v == 4294967295U,
           "parse_u32 of UINT32_MAX");
    s = "4294967296";
    tap_ok(!hv_parse_u32(s, &end, 10, &v), "parse_u32 of UINT32_MAX + 1 fails");
    tap_is_uint(v, 4294967295U, "and saturates");
    tap_ok(end == s + 10, "and still ends past the digits");
    tap_ok(!hv_parse_u32("0x100000000", NULL, 0, &v),
           "parse_u32 of 2^32 in hex fails");
    tap_ok(!hv_parse_u32("99999999999999999999999", NULL, 10, &v),
           "parse_u32 of a 23-digit number fails");
}

/* strbuf_printf: pieces add up, and a piece that does not fit is cut at
 * the buffer's end and ends the line: nothing is written past it. */
static void test_strbuf(void)
{
    char mem[16 + 8];
    struct strbuf sb = { mem, 16, 0, false };

    memset(mem, '#', sizeof(mem));
    tap_ok(strbuf_printf(&sb, "VERDICT"), "strbuf: a piece that fits");
    tap_ok(strbuf_printf(&sb, " d%u", 1), "strbuf: a second piece that fits");
    tap_is_str(mem, "VERDICT d1", "strbuf: pieces add up");
    tap_is_uint(sb.len, 10, "strbuf: len counts them");
    tap_ok(!strbuf_printf(&sb, " d%u=%s", 2, "longname"),
           "strbuf: a piece past the end does not fit");
    tap_is_str(mem, "VERDICT d1 d2=l", "strbuf: it is cut at the end");
    tap_ok(sb.truncated && sb.len == 15, "strbuf: truncated, len 15");
    tap_ok(!strbuf_printf(&sb, "x"), "strbuf: later pieces are dropped");
    tap_is_str(mem, "VERDICT d1 d2=l", "strbuf: and change nothing");
    tap_is_mem(mem + 16, "########", 8, "strbuf: nothing past the buffer");

    /* An exact fit is not a truncation. */
    sb = (struct strbuf){ mem, 4, 0, false };
    tap_ok(strbuf_printf(&sb, "abc") && !sb.truncated,
           "strbuf: exactly size-1 characters fit");
    tap_ok(!strbuf_printf(&sb, "d") && sb.truncated && !strcmp(mem, "abc"),
           "strbuf: one more does not");
}

int main(void)
{
    test_integers();
    test_flags();
    test_ignored_flags();
    test_width_precision();
    test_length_modifiers();
    test_pointers_strings_chars();
    test_truncation();
    test_snprintf();
    test_memory_functions();
    test_string_functions();
    test_parse_u32();
    test_strbuf();
    return tap_done();
}
