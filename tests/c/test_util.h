/*
 * A tiny test harness shared by the C test programs: checks that count and
 * report instead of aborting, paths into the PKI directory made by
 * make-pki.sh, and helpers for the error handle.
 */
#ifndef CTLS_TEST_UTIL_H
#define CTLS_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_tls.h"

static int checks_passed;
static int checks_failed;
static const char *pki_dir;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_STR(actual, expected)                                                                \
    do {                                                                                           \
        const char *check_a_ = (actual);                                                           \
        const char *check_e_ = (expected);                                                         \
        if (check_a_ != NULL && check_e_ != NULL && strcmp(check_a_, check_e_) == 0) {             \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
                    check_a_ ? check_a_ : "(null)", check_e_ ? check_e_ : "(null)");               \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *check_h_ = (haystack);                                                         \
        const char *check_n_ = (needle);                                                           \
        if (check_h_ != NULL && strstr(check_h_, check_n_) != NULL) {                              \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected it to contain \"%s\"\n", __FILE__,      \
                    __LINE__, #haystack, check_h_ ? check_h_ : "(null)", check_n_);                \
        }                                                                                          \
    } while (0)

#define CHECK_STATUS(actual, expected)                                                             \
    do {                                                                                           \
        int check_s_ = (int)(actual);                                                              \
        int check_x_ = (int)(expected);                                                            \
        if (check_s_ == check_x_) {                                                                \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, #actual,   \
                    ctls_status_name(check_s_), ctls_status_name(check_x_));                       \
        }                                                                                          \
    } while (0)

/* A path in the PKI directory; each call returns a new string to free. */
/* Whether a listener accessor returned a listener; releases the new
 * reference it returned (ctls_config_server/_management). */
static inline int present(const ctls_server_tls *tls) {
    int found = tls != NULL;
    ctls_server_tls_free(tls);
    return found;
}

static inline char *pki(const char *name) {
    size_t len = strlen(pki_dir) + 1 + strlen(name) + 1;
    char *path = malloc(len);
    if (path == NULL) {
        abort();
    }
    snprintf(path, len, "%s/%s", pki_dir, name);
    return path;
}

/* A path with a prefix such as "file:" or "file://"; free it. */
static inline char *pki_with_prefix(const char *prefix, const char *name) {
    char *path = pki(name);
    size_t len = strlen(prefix) + strlen(path) + 1;
    char *result = malloc(len);
    if (result == NULL) {
        abort();
    }
    snprintf(result, len, "%s%s", prefix, path);
    free(path);
    return result;
}

/* The whole content of a file (relative paths from the repository root),
 * NUL-terminated, its length in *len_out when not NULL; free it. */
static inline char *read_whole_file(const char *path, size_t *len_out) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s (run from the repository root)\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, len = 0, n;
    char *data = malloc(cap);
    while (data != NULL && (n = fread(data + len, 1, cap - len - 1, file)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            char *bigger = realloc(data, cap);
            if (bigger == NULL) {
                free(data);
            }
            data = bigger;
        }
    }
    fclose(file);
    if (data == NULL) {
        abort();
    }
    data[len] = '\0';
    if (len_out != NULL) {
        *len_out = len;
    }
    return data;
}

/* The whole content of a PKI file, NUL-terminated; free it. */
static inline char *read_pki(const char *name, size_t *len_out) {
    char *path = pki(name);
    char *data = read_whole_file(path, len_out);
    free(path);
    return data;
}

/*
 * Checks a failure: the returned status, the error handle's status and code
 * string, the variable (NULL: none expected) and that the path ends with
 * path_suffix (NULL: no path expected); then frees the error.
 */
#define CHECK_ERROR(status, err, expected, env_var, path_suffix)                                   \
    check_error_at(__FILE__, __LINE__, (int)(status), (err), (int)(expected), (env_var),           \
                   (path_suffix))

static inline void check_error_at(const char *file, int line, int status, const ctls_error *err,
                                  int expected, const char *env_var, const char *path_suffix) {
    int before = checks_failed;
    CHECK(status == expected);
    CHECK(err != NULL);
    if (err != NULL) {
        CHECK(ctls_error_status(err) == (ctls_status)expected);
        CHECK_STR(ctls_error_code(err), ctls_status_name(expected));
        const char *message = ctls_error_message(err);
        CHECK(message != NULL && strlen(message) > 10);
        if (env_var == NULL) {
            CHECK(ctls_error_env_var(err) == NULL);
        } else {
            CHECK_STR(ctls_error_env_var(err), env_var);
            /* The message starts with the variable it is about. */
            CHECK(message != NULL && strncmp(message, env_var, strlen(env_var)) == 0);
        }
        const char *path = ctls_error_path(err);
        if (path_suffix == NULL) {
            CHECK(path == NULL);
        } else {
            CHECK(path != NULL && strlen(path) >= strlen(path_suffix) &&
                  strcmp(path + strlen(path) - strlen(path_suffix), path_suffix) == 0);
        }
    }
    if (checks_failed != before) {
        fprintf(stderr, "%s:%d: ^ error was %s: %s\n", file, line, ctls_status_name(status),
                err ? ctls_error_message(err) : "(no error handle)");
    }
    ctls_error_free(err);
}

static inline int finish(const char *program) {
    printf("%s: %d checks passed, %d failed\n", program, checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

static inline void start(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PKI_DIR (made by make-pki.sh)\n", argv[0]);
        exit(2);
    }
    pki_dir = argv[1];
}

#endif
