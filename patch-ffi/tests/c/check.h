/*
 * Tiny test harness shared by the C and C++ tests: counts checks, prints
 * every failure with its line, and checks statuses and messages.
 */
#ifndef PATCH_TEST_CHECK_H
#define PATCH_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "patch.h"

static int g_checks = 0;
static int g_failures = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        g_checks++;                                                              \
        if (!(cond)) {                                                           \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

/* Checks a call succeeded; prints the library's message if not. */
#define CHECK_OK(call)                                                           \
    do {                                                                         \
        patch_status st_ = (call);                                               \
        g_checks++;                                                              \
        if (st_ != PATCH_STATUS_OK) {                                            \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: %s returned %u (%s): %s\n", __FILE__, __LINE__, \
                    #call, (unsigned)st_, patch_status_str((uint32_t)st_),       \
                    patch_last_error_message());                                 \
        }                                                                        \
    } while (0)

/*
 * Checks that `got` is `want`, that the thread's message starts with
 * patch_status_str(want) followed by ": ", and that it contains each of the
 * needles (up to four; NULL ends the list early).
 */
static inline void check_fail_at(const char *file, int line, const char *expr, patch_status got,
                          patch_status want, const char *n1, const char *n2, const char *n3,
                          const char *n4) {
    const char *needles[4];
    const char *msg = patch_last_error_message();
    const char *name = patch_status_str((uint32_t)want);
    size_t i;
    needles[0] = n1;
    needles[1] = n2;
    needles[2] = n3;
    needles[3] = n4;
    g_checks++;
    if (got != want) {
        g_failures++;
        fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u (%s); message: %s\n", file, line,
                expr, (unsigned)got, patch_status_str((uint32_t)got), (unsigned)want, name, msg);
        return;
    }
    if (strncmp(msg, name, strlen(name)) != 0 || strncmp(msg + strlen(name), ": ", 2) != 0) {
        g_failures++;
        fprintf(stderr, "%s:%d: %s: message '%s' does not start with '%s: '\n", file, line, expr,
                msg, name);
        return;
    }
    for (i = 0; i < 4 && needles[i] != NULL; i++) {
        if (strstr(msg, needles[i]) == NULL) {
            g_failures++;
            fprintf(stderr, "%s:%d: %s: message '%s' does not contain '%s'\n", file, line, expr,
                    msg, needles[i]);
            return;
        }
    }
}

#define CHECK_FAIL(call, want, n1) \
    check_fail_at(__FILE__, __LINE__, #call, (call), (want), (n1), NULL, NULL, NULL)
#define CHECK_FAIL2(call, want, n1, n2) \
    check_fail_at(__FILE__, __LINE__, #call, (call), (want), (n1), (n2), NULL, NULL)
#define CHECK_FAIL3(call, want, n1, n2, n3) \
    check_fail_at(__FILE__, __LINE__, #call, (call), (want), (n1), (n2), (n3), NULL)
#define CHECK_FAIL4(call, want, n1, n2, n3, n4) \
    check_fail_at(__FILE__, __LINE__, #call, (call), (want), (n1), (n2), (n3), (n4))

/* Prints the closing line and gives main's exit code. */
static inline int check_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, g_checks - g_failures, g_failures);
    return g_failures == 0 ? 0 : 1;
}

#endif /* PATCH_TEST_CHECK_H */
