#include "util/strv.h"

#include <string.h>

int strv_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
