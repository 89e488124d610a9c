/*
 * The malformed-input corpus (tests/fixtures/malformed/expected.tsv) through
 * the C ABI: every file gives the code the Rust suite expects, with the
 * argument and the file named, and no crash, leak or invalid access (the
 * runner uses valgrind). Then secrets: error and warning messages never show
 * a passphrase or a line (or a piece of a line) of the key's base64.
 *
 * Run from the repository root (tests/c/run.sh does); the PKI directory
 * argument is accepted for uniformity and not used.
 */
#include "test_util.h"

#define CORPUS "tests/fixtures/malformed/"
#define IDENTITY "tests/fixtures/identity/"
#define ENCRYPTED "tests/fixtures/encrypted/"

static const char *const passphrase = "correct horse battery staple";
static const char *const wrong_passphrase = "Tr0ub4dor&3 wrong one";

/* The keys' base64 lines, for the secrets checks (the texts stay allocated). */
#define MAX_LINES 128
#define MAX_KEYS 4
static char *key_texts[MAX_KEYS];
static size_t key_count;
static const char *key_lines[MAX_LINES];
static size_t key_line_count;

static void add_secret_key(const char *path) {
    char *text = read_whole_file(path, NULL);
    if (key_count == MAX_KEYS) {
        abort();
    }
    key_texts[key_count++] = text;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        if (strncmp(line, "-----", 5) != 0 && strlen(line) >= 16 && key_line_count < MAX_LINES) {
            key_lines[key_line_count++] = line;
        }
        line = end == NULL ? NULL : end + 1;
    }
}

/* True when `text` holds a passphrase or any 16 consecutive characters of a key line. */
static int shows_secret(const char *text) {
    if (text == NULL) {
        return 0;
    }
    if (strstr(text, passphrase) != NULL || strstr(text, wrong_passphrase) != NULL) {
        return 1;
    }
    char window[17];
    for (size_t i = 0; i < key_line_count; i++) {
        size_t len = strlen(key_lines[i]);
        for (size_t start = 0; start + 16 <= len; start++) {
            memcpy(window, key_lines[i] + start, 16);
            window[16] = '\0';
            if (strstr(text, window) != NULL) {
                return 1;
            }
        }
    }
    return 0;
}

#define CHECK_CLEAN(text)                                                                          \
    do {                                                                                           \
        const char *clean_t_ = (text);                                                             \
        if (!shows_secret(clean_t_)) {                                                             \
            checks_passed++;                                                                       \
        } else {                                                                                   \
            checks_failed++;                                                                       \
            fprintf(stderr, "%s:%d: a secret is shown in: %s\n", __FILE__, __LINE__, clean_t_);    \
        }                                                                                          \
    } while (0)

/* Loads and checks the outcome; returns the status. Messages are checked for secrets. */
static ctls_status load(const char *cert, const char *key, const char *pass, const char *expected,
                        const char *argument, const char *path_suffix) {
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load(cert, key, pass, &tls, &err);
    CHECK(status != CTLS_ERR_PANIC);
    if (status == CTLS_OK) {
        CHECK(err == NULL && tls != NULL);
        for (size_t i = 0; i < ctls_server_tls_warnings_len(tls); i++) {
            CHECK_CLEAN(ctls_warning_message(ctls_server_tls_warning(tls, i)));
        }
        ctls_server_tls_free(tls);
        if (expected != NULL && strcmp(expected, "OK") != 0) {
            checks_failed++;
            fprintf(stderr, "%s: loaded, expected %s\n", path_suffix, expected);
        }
        return status;
    }
    CHECK(tls == NULL && err != NULL);
    if (err == NULL) {
        return status;
    }
    const char *message = ctls_error_message(err);
    CHECK_CLEAN(message);
    CHECK_CLEAN(ctls_error_path(err));
    if (expected != NULL) {
        int before = checks_failed;
        CHECK_STR(ctls_error_code(err), expected);
        CHECK_STR(ctls_status_name(status), expected);
        CHECK_STR(ctls_error_env_var(err), argument);
        const char *path = ctls_error_path(err);
        CHECK(path != NULL && strlen(path) >= strlen(path_suffix) &&
              strcmp(path + strlen(path) - strlen(path_suffix), path_suffix) == 0);
        if (checks_failed != before) {
            fprintf(stderr, "  ^ %s: %s\n", path_suffix, message ? message : "(no message)");
        }
    }
    ctls_error_free(err);
    return status;
}

static void corpus(void) {
    char *manifest = read_whole_file(CORPUS "expected.tsv", NULL);
    size_t files = 0;
    char path[512];
    for (char *line = manifest; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        char *role = strchr(line, '\t');
        char *expected = role == NULL ? NULL : strchr(role + 1, '\t');
        if (line[0] != '#' && role != NULL && expected != NULL) {
            *role++ = '\0';
            *expected++ = '\0';
            snprintf(path, sizeof path, CORPUS "%s", line);
            int is_cert = strcmp(role, "cert") == 0;
            CHECK(is_cert || strcmp(role, "key") == 0);
            const char *cert = is_cert ? path : IDENTITY "rsa-cert.pem";
            const char *key = is_cert ? IDENTITY "rsa-pkcs8.pem" : path;
            const char *argument = is_cert ? "certificate" : "private_key";
            load(cert, key, NULL, expected, argument, line);
            /* With a passphrase the codes of keys may differ (an encrypted key is
             * then decrypted): no crash, no secret. (A bad certificate fails
             * before the key is read, so it needs no second run.) */
            if (!is_cert) {
                load(cert, key, passphrase, NULL, argument, line);
            }
            files++;
        }
        line = end == NULL ? NULL : end + 1;
    }
    free(manifest);
    CHECK(files >= 60);
}

/* Error paths with the key itself in the arguments and known passphrases. */
static void secrets(void) {
    char *encrypted_key = read_whole_file(ENCRYPTED "rsa-pbkdf2-sha256-aes256.pem", NULL);
    char *plain_key = read_whole_file(ENCRYPTED "rsa.pem", NULL);
    const char *rsa_cert = ENCRYPTED "rsa.crt";
    const char *ec_cert = ENCRYPTED "ec.crt";

    CHECK_STATUS(load(rsa_cert, encrypted_key, NULL, NULL, NULL, NULL), CTLS_ERR_KEY_ENCRYPTED);
    CHECK_STATUS(load(rsa_cert, encrypted_key, wrong_passphrase, NULL, NULL, NULL),
                 CTLS_ERR_PASSPHRASE_WRONG);
    CHECK_STATUS(load(ec_cert, encrypted_key, passphrase, NULL, NULL, NULL), CTLS_ERR_KEY_MISMATCH);
    CHECK_STATUS(load(rsa_cert, encrypted_key, passphrase, NULL, NULL, NULL), CTLS_OK);
    /* The plain key inline: with an unused passphrase (a warning), as the
     * certificate, against another certificate. */
    CHECK_STATUS(load(rsa_cert, plain_key, passphrase, NULL, NULL, NULL), CTLS_OK);
    CHECK_STATUS(load(plain_key, plain_key, passphrase, NULL, NULL, NULL), CTLS_ERR_PEM_INVALID);
    CHECK_STATUS(load(ec_cert, plain_key, passphrase, NULL, NULL, NULL), CTLS_ERR_KEY_MISMATCH);
    /* A damaged BEGIN line (four dashes) and the base64 lines alone are data,
     * not paths: refused without being quoted. */
    CHECK_STATUS(load(rsa_cert, plain_key + 1, passphrase, NULL, NULL, NULL),
                 CTLS_ERR_CONFIG_INVALID);
    char *body = strchr(plain_key, '\n');
    char *end = body == NULL ? NULL : strstr(body, "-----END");
    CHECK(body != NULL && end != NULL);
    if (body != NULL && end != NULL) {
        *end = '\0';
        CHECK_STATUS(load(rsa_cert, body + 1, passphrase, NULL, NULL, NULL),
                     CTLS_ERR_CONFIG_INVALID);
    }
    free(plain_key);
    free(encrypted_key);
}

/* The search itself finds what it looks for. */
static void search_works(void) {
    char shown[64];
    snprintf(shown, sizeof shown, "at /x/%.20s.pem", key_lines[7] + 3);
    CHECK(shows_secret(shown));
    CHECK(shows_secret(passphrase));
    CHECK(!shows_secret("private_key: the key in tests/fixtures/key.pem (RSA 2048-bit)"));
}

int main(int argc, char **argv) {
    start(argc, argv);
    add_secret_key(IDENTITY "rsa-pkcs8.pem");
    add_secret_key(ENCRYPTED "rsa.pem");
    CHECK(key_line_count > 40);
    search_works();
    corpus();
    secrets();
    for (size_t i = 0; i < key_count; i++) {
        free(key_texts[i]);
    }
    return finish("test_malformed");
}
