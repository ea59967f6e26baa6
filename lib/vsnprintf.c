/*
 * vsnprintf.c - formatted output for printk and friends: %d %i %u %x %X %o
 * %p %s %c %%, flags '-' '0' '+' ' ' '#', width and precision (also '*'),
 * length modifiers hh h l ll z. Pure C with no state (shared by the
 * hypervisor, the guests and the host unit tests); the host unit tests check
 * it against the C library's printf.
 */
#include <klib.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
                       bool left)
{
    int pad = width > (int)n ? width - (int)n : 0;

    if (!left)
        while (pad-- > 0)
            put(o, ' ');
    while (n--)
        put(o, *s++);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

/* Number to text, with C's padding rules. digits[] is filled backwards. */
static void put_number(struct out *o, unsigned long long v, bool negative,
                       unsigned base, bool upper, int width, int prec,
                       bool left, bool zero, char sign_char, bool alt)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];
    int n = 0, pad, zeros;
    const char *prefix = "";
    int plen;

    bool is_zero = v == 0;

    if (is_zero && prec == 0)
        n = 0;
    else
        do {
            digits[n++] = dig[v % base];
            v /= base;
        } while (v);

    /* As C: "#x" prefixes only non-zero values; "#o" makes sure the first
     * digit printed is a 0, which a precision may already do. */
    if (alt && base == 16 && !is_zero)
        prefix = upper ? "0X" : "0x";
    else if (alt && base == 8 && prec <= n && (n == 0 || digits[n - 1] != '0'))
        prefix = "0";
    plen = (int)strlen(prefix) + (negative || sign_char ? 1 : 0);

    zeros = prec > n ? prec - n : 0;
    if (prec < 0 && zero && !left && width > n + plen)
        zeros = width - n - plen;
    pad = width - n - zeros - plen;

    if (!left)
        while (pad-- > 0)
            put(o, ' ');
    if (negative)
        put(o, '-');
    else if (sign_char)
        put(o, sign_char);
    while (*prefix)
        put(o, *prefix++);
    while (zeros-- > 0)
        put(o, '0');
    while (n--)
        put(o, digits[n]);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        char sign_char = 0;
        int width = 0, prec = -1, lng = 0;
        unsigned long long u;
        long long s;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        /* Flags. */
        for (;;) {
            fmt++;
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else if (*fmt == '+')
                sign_char = '+';
            else if (*fmt == ' ') {
                if (!sign_char)
                    sign_char = ' ';
            } else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            if (prec < 0)
                prec = -1;
        }
        /* Length: lng counts l's; -1 = h, -2 = hh; 3 = z. */
        for (;; fmt++) {
            if (*fmt == 'l')
                lng = lng < 0 ? 1 : lng + 1;
            else if (*fmt == 'h')
                lng = lng == -1 ? -2 : -1;
            else if (*fmt == 'z')
                lng = 3;
            else
                break;
        }

        switch (*fmt) {
        case 'd':
        case 'i':
            if (lng == 2)
                s = va_arg(ap, long long);
            else if (lng == 1)
                s = va_arg(ap, long);
            else if (lng == 3)
                s = (long)va_arg(ap, size_t);
            else
                s = va_arg(ap, int);
            if (lng == -1)
                s = (short)s;
            else if (lng == -2)
                s = (signed char)s;
            put_number(
                &o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
                s < 0, 10, false, width, prec, left, zero, sign_char, false);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (lng == 2)
                u = va_arg(ap, unsigned long long);
            else if (lng == 1)
                u = va_arg(ap, unsigned long);
            else if (lng == 3)
                u = va_arg(ap, size_t);
            else
                u = va_arg(ap, unsigned int);
            if (lng == -1)
                u = (unsigned short)u;
            else if (lng == -2)
                u = (unsigned char)u;
            put_number(&o, u, false,
                       *fmt == 'u'   ? 10
                       : *fmt == 'o' ? 8
                                     : 16,
                       *fmt == 'X', width, prec, left, zero, 0, alt);
            break;
        case 'p':
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false,
                       width, prec, left, zero, 0, true);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            put_padded(&o, str, prec < 0 ? strlen(str) : strnlen(str, prec),
                       width, left);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: print nothing more */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

bool strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sb->truncated)
        return false;
    sb->buf[sb->len] = '\0';
    va_start(ap, fmt);
    n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sb->size - sb->len) {
        sb->len = sb->size - 1;
        sb->truncated = true;
        return false;
    }
    sb->len += (size_t)n;
    return true;
}
