#include "util/size_text.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

bool size_text_parse(const char *text, size_t *out)
{
    static const struct { const char *unit; size_t mult; } units[] = {
        { "", 1 }, { "B", 1 },
        { "KiB", (size_t)1 << 10 }, { "MiB", (size_t)1 << 20 }, { "GiB", (size_t)1 << 30 },
        { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
    };
    const char *p = text;
    size_t x = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (x > (SIZE_MAX - (size_t)(*p - '0')) / 10)
            return false;
        x = x * 10 + (size_t)(*p - '0');
    }
    if (p == text || x == 0)
        return false;
    const char *unit = *p == ' ' ? p + 1 : p;
    if (unit != p && !*unit)
        return false;   /* "64 " */
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcasecmp(unit, units[i].unit)) {
            if (x > SIZE_MAX / units[i].mult)
                return false;
            *out = x * units[i].mult;
            return true;
        }
    return false;
}
