/*
 * klib_names.h - gives klib's functions (lib/klib.h) hv_* names for the
 * host unit tests, so they do not clash with glibc's functions of the same
 * names.
 *
 * Makefile.inc compiles every module under test with
 * "-include tests/unit/klib_names.h", so lib/string.c defines hv_memcpy and
 * hv/common/scenario.c calls hv_snprintf. test_vsnprintf.c includes it
 * explicitly, after the system headers, to reach the functions under these
 * names; the other tests do not need it (they only call the parsers, and
 * klib.h's declarations of memcpy etc. match glibc's).
 */
#define memcpy    hv_memcpy
#define memmove   hv_memmove
#define memset    hv_memset
#define memcmp    hv_memcmp
#define strlen    hv_strlen
#define strnlen   hv_strnlen
#define strcmp    hv_strcmp
#define strncmp   hv_strncmp
#define strchr    hv_strchr
#define strrchr   hv_strrchr
#define strlcpy   hv_strlcpy
#define parse_u32 hv_parse_u32
#define vsnprintf hv_vsnprintf
#define snprintf  hv_snprintf
