/*
 * The loading corpus (tests/fixtures/corpus/expected.tsv) through the C ABI:
 * every case gives the code and key type the Rust suite expects (the same
 * table), an accepted key comes back as PKCS#8 v1, and an error names its
 * file and never shows the passphrase. Under valgrind (tests/c/run.sh).
 *
 * Run from the repository root; the PKI directory argument is not used.
 */
#include "test_util.h"

#define CORPUS "tests/fixtures/corpus/"

/* Splits `line` at tabs into at most `max` fields; returns how many. */
static size_t split(char *line, char **fields, size_t max) {
    size_t count = 0;
    while (line != NULL && count < max) {
        fields[count++] = line;
        char *tab = strchr(line, '\t');
        if (tab != NULL) {
            *tab = '\0';
        }
        line = tab == NULL ? NULL : tab + 1;
    }
    return count;
}

static void one_case(char **f) {
    const char *name = f[0], *expected = f[4], *key_type = f[5], *warnings = f[6];
    /* "-": no passphrase; "(empty)": the empty one, which means none too. */
    const char *pass = strcmp(f[3], "-") == 0 ? NULL : strcmp(f[3], "(empty)") == 0 ? "" : f[3];
    char cert[512], key[512];
    snprintf(cert, sizeof cert, CORPUS "%s", f[1]);
    snprintf(key, sizeof key, CORPUS "%s", f[2]);
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load(cert, key, pass, &tls, &err);
    int before = checks_failed;
    CHECK_STR(ctls_status_name(status), expected);
    if (status == CTLS_OK) {
        CHECK(tls != NULL && err == NULL);
        CHECK_STR(ctls_server_tls_key_type(tls), key_type);
        /* The warning codes, comma-separated ("-": none), as expected.tsv spells them. */
        char seen[512] = "";
        for (size_t i = 0; i < ctls_server_tls_warnings_len(tls); i++) {
            if (i > 0) {
                strncat(seen, ",", sizeof seen - strlen(seen) - 1);
            }
            strncat(seen, ctls_warning_code(ctls_server_tls_warning(tls, i)), sizeof seen - strlen(seen) - 1);
        }
        CHECK_STR(seen[0] == '\0' ? "-" : seen, warnings);
        const uint8_t *der = NULL;
        size_t len = 0;
        CHECK_STATUS(ctls_server_tls_key_der(tls, &der, &len), CTLS_OK);
        /* PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, ... }: v1. */
        size_t header = (der != NULL && len > 2 && (der[1] & 0x80)) ? 2 + (der[1] & 0x7f) : 2;
        CHECK(der != NULL && len > header + 3 && der[0] == 0x30 && der[header] == 0x02 &&
              der[header + 1] == 0x01 && der[header + 2] == 0x00);
        ctls_server_tls_free(tls);
    } else {
        CHECK(tls == NULL && err != NULL);
        CHECK_STR(ctls_error_code(err), expected);
        const char *message = ctls_error_message(err);
        const char *path = ctls_error_path(err);
        /* The path as resolved (absolute): it ends with the case's file. */
        size_t plen = path == NULL ? 0 : strlen(path);
        int names_file = 0;
        for (int i = 1; i <= 2; i++) {
            size_t flen = strlen(f[i]);
            names_file |= plen >= flen && strcmp(path + plen - flen, f[i]) == 0;
        }
        CHECK(names_file);
        CHECK(message != NULL && path != NULL && strstr(message, path) != NULL);
        CHECK(message != NULL && (pass == NULL || *pass == '\0' || strstr(message, pass) == NULL));
        if (checks_failed != before) {
            fprintf(stderr, "  ^ %s: %s\n", name, message ? message : "(no message)");
        }
        ctls_error_free(err);
    }
    if (checks_failed != before) {
        fprintf(stderr, "  ^ case %s\n", name);
    }
}

int main(int argc, char **argv) {
    start(argc, argv);
    char *table = read_whole_file(CORPUS "expected.tsv", NULL);
    size_t cases = 0;
    char *line = strchr(table, '\n'); /* the header */
    line = line == NULL ? NULL : line + 1;
    while (line != NULL && *line != '\0') {
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        char *fields[7];
        if (line[0] != '#' && split(line, fields, 7) == 7) {
            one_case(fields);
            cases++;
        }
        line = end == NULL ? NULL : end + 1;
    }
    free(table);
    CHECK(cases >= 140);
    return finish("test_corpus");
}
