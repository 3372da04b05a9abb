/*
 * What every unit test includes: cmocka, with the headers Debian's cmocka 1.1.5
 * needs before it.
 */
#ifndef DSCI_TEST_HELPERS_H
#define DSCI_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#endif
