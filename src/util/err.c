#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[2048];
static _Thread_local int last_code;

int err_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

const char *err_last(void)
{
    return last_message;
}

int err_last_code(void)
{
    return last_code;
}

void err_clear(void)
{
    last_message[0] = '\0';
    last_code = 0;
}

int err_exit_code(int code)
{
    if (code >= 0)
        return 0;
    return code == DSCI_EUSAGE ? 2 : 3;
}

int err_last_is_not_found(void)
{
    return strstr(err_last(), ": no such file") != NULL;
}
