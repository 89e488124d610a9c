/*
 * ctls_server_tls_load end to end: every location form, key formats,
 * passphrases, the accessors against what openssl says, warnings, and each
 * loading error with its status, code, argument and path.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include <unistd.h>

#include "test_util.h"

static const ctls_server_tls *load_ok(const char *cert, const char *key, const char *passphrase) {
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load(cert, key, passphrase, &tls, &err);
    CHECK_STATUS(status, CTLS_OK);
    CHECK(err == NULL);
    if (status != CTLS_OK) {
        fprintf(stderr, "  loading %s / %s: %s\n", cert, key, ctls_error_message(err));
        ctls_error_free(err);
    }
    return tls;
}

static void expect_load_error(const char *cert_name, const char *key_name, const char *passphrase,
                              ctls_status expected, const char *env_var, const char *path_suffix) {
    char *cert = pki(cert_name);
    char *key = pki(key_name);
    const ctls_server_tls *tls = (const ctls_server_tls *)cert; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load(cert, key, passphrase, &tls, &err);
    CHECK(tls == NULL);
    CHECK_ERROR(status, err, expected, env_var, path_suffix);
    free(cert);
    free(key);
}

static int bytes_equal_file(const uint8_t *data, size_t len, const char *name) {
    size_t file_len = 0;
    char *file = read_pki(name, &file_len);
    int equal = data != NULL && len == file_len && memcmp(data, file, len) == 0;
    free(file);
    return equal;
}

static void identity_accessors(void) {
    char *cert = pki("chain.pem");
    char *key = pki("leaf.key");
    const ctls_server_tls *tls = load_ok(cert, key, NULL);
    free(cert);
    free(key);
    if (tls == NULL) {
        return;
    }
    CHECK(ctls_server_tls_chain_len(tls) == 2);
    CHECK_STR(ctls_server_tls_key_type(tls), "ECDSA P-256");
    CHECK_STR(ctls_server_tls_key_algorithm(tls), "EC");
    CHECK(ctls_server_tls_key_bits(tls) == 256);
    CHECK(ctls_server_tls_warnings_len(tls) == 0);
    CHECK(ctls_server_tls_warning(tls, 0) == NULL);

    const ctls_certificate *leaf = ctls_server_tls_certificate(tls, 0);
    const ctls_certificate *issuer = ctls_server_tls_certificate(tls, 1);
    CHECK(leaf != NULL && issuer != NULL);
    CHECK(ctls_server_tls_certificate(tls, 2) == NULL);
    CHECK_CONTAINS(ctls_certificate_subject(leaf), "CN=localhost");
    CHECK_CONTAINS(ctls_certificate_issuer(leaf), "CN=console-tls test intermediate CA");
    CHECK_STR(ctls_certificate_issuer(leaf), ctls_certificate_subject(issuer));
    CHECK_CONTAINS(ctls_certificate_issuer(issuer), "CN=console-tls test root CA");
    CHECK(!ctls_certificate_is_ca(leaf));
    CHECK(ctls_certificate_is_ca(issuer));
    CHECK(ctls_certificate_san_len(leaf) == 2);
    CHECK_STR(ctls_certificate_san(leaf, 0), "DNS:localhost");
    CHECK_STR(ctls_certificate_san(leaf, 1), "IP Address:127.0.0.1");
    CHECK(ctls_certificate_san(leaf, 2) == NULL);
    CHECK_STR(ctls_certificate_public_key(leaf), "ECDSA P-256");
    const char *serial = ctls_certificate_serial(leaf);
    CHECK(serial != NULL && strlen(serial) > 0 && strspn(serial, "0123456789ABCDEF") == strlen(serial));
    /* 32 bytes as upper-case hex pairs joined by ':' */
    const char *fingerprint = ctls_certificate_fingerprint256(leaf);
    CHECK(fingerprint != NULL && strlen(fingerprint) == 95 && fingerprint[2] == ':');
    time_t now = time(NULL);
    CHECK(ctls_certificate_not_before_unix(leaf) <= (int64_t)now);
    CHECK(ctls_certificate_not_after_unix(leaf) > (int64_t)now + 800 * 86400);
    CHECK(ctls_certificate_not_before(leaf) != NULL && strlen(ctls_certificate_not_before(leaf)) == 20);
    CHECK(ctls_certificate_not_after(leaf) != NULL && ctls_certificate_not_after(leaf)[19] == 'Z');

    /* DER and PEM forms equal what openssl wrote. */
    const uint8_t *data = NULL;
    size_t len = 0;
    CHECK_STATUS(ctls_server_tls_cert_der(tls, 0, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "leaf.der"));
    CHECK_STATUS(ctls_certificate_der(issuer, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "intermediate.der"));
    CHECK_STATUS(ctls_server_tls_cert_der(tls, 1, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "intermediate.der"));
    data = (const uint8_t *)"stale";
    CHECK_STATUS(ctls_server_tls_cert_der(tls, 2, &data, &len), CTLS_ERR_CONFIG_INVALID);
    CHECK_STATUS(ctls_server_tls_key_der(tls, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "leaf.key.der"));

    char *leaf_pem = read_pki("leaf.pem", NULL);
    char *chain_pem = read_pki("chain.pem", NULL);
    CHECK_STR(ctls_certificate_pem(leaf), leaf_pem);
    CHECK_STR(ctls_server_tls_chain_pem(tls), chain_pem);
    /* The same pointer every time: the string belongs to the handle. */
    CHECK(ctls_server_tls_chain_pem(tls) == ctls_server_tls_chain_pem(tls));
    free(leaf_pem);
    free(chain_pem);
    const char *key_pem = ctls_server_tls_key_pem(tls);
    CHECK(key_pem != NULL && strncmp(key_pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);

    ctls_server_tls_free(tls);
}

static void location_forms(void) {
    /* file:/abs, file:///abs, bare path; key and certificate in one combined file. */
    char *cert = pki_with_prefix("file:", "chain.pem");
    char *key = pki_with_prefix("file://", "leaf.key");
    const ctls_server_tls *tls = load_ok(cert, key, NULL);
    CHECK(ctls_server_tls_chain_len(tls) == 2);
    ctls_server_tls_free(tls);
    free(cert);
    free(key);

    char *combined = pki("combined.pem");
    tls = load_ok(combined, combined, NULL);
    CHECK(ctls_server_tls_chain_len(tls) == 2);
    CHECK_STR(ctls_server_tls_key_type(tls), "ECDSA P-256");
    ctls_server_tls_free(tls);
    free(combined);

    /* Inline PEM for both. */
    char *cert_pem = read_pki("chain.pem", NULL);
    char *key_pem = read_pki("leaf.key", NULL);
    tls = load_ok(cert_pem, key_pem, NULL);
    CHECK(ctls_server_tls_chain_len(tls) == 2);
    ctls_server_tls_free(tls);

    /* An error in inline PEM names the argument but no path. */
    const ctls_error *err = NULL;
    char *other_key = read_pki("other.key", NULL);
    ctls_status status = ctls_server_tls_load(cert_pem, other_key, NULL, &tls, &err);
    CHECK_ERROR(status, err, CTLS_ERR_KEY_MISMATCH, "private_key", NULL);
    free(cert_pem);
    free(key_pem);
    free(other_key);

    /* Paths are bytes, as Linux file names are: names that are not UTF-8 load. */
    char *chain_path = pki("chain.pem");
    char *key_path = pki("leaf.key");
    char *odd_chain = pki("latin1-\xe9t\xe9 chain.pem");
    char *odd_key = pki("\xff\xfe key.pem");
    CHECK(symlink(chain_path, odd_chain) == 0);
    CHECK(symlink(key_path, odd_key) == 0);
    tls = load_ok(odd_chain, odd_key, NULL);
    CHECK(ctls_server_tls_chain_len(tls) == 2);
    ctls_server_tls_free(tls);
    char *odd_file_url = pki_with_prefix("file:", "\xff\xfe key.pem");
    tls = load_ok(odd_chain, odd_file_url, NULL);
    CHECK(tls != NULL);
    ctls_server_tls_free(tls);
    unlink(odd_chain);
    unlink(odd_key);
    free(odd_file_url);
    free(chain_path);
    free(key_path);
    free(odd_chain);
    free(odd_key);
}

static void key_formats_and_passphrases(void) {
    char *rsa_cert = pki("rsa.pem");
    char *rsa_key = pki("rsa.key");
    const ctls_server_tls *tls = load_ok(rsa_cert, rsa_key, NULL);
    CHECK_STR(ctls_server_tls_key_type(tls), "RSA 2048-bit");
    CHECK_STR(ctls_server_tls_key_algorithm(tls), "RSA");
    CHECK(ctls_server_tls_key_bits(tls) == 2048);
    const uint8_t *data = NULL;
    size_t len = 0;
    /* PKCS#1 in, PKCS#8 out: the same bytes as `openssl pkey -outform DER`. */
    CHECK_STATUS(ctls_server_tls_key_der(tls, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "rsa.key.der"));
    ctls_server_tls_free(tls);
    free(rsa_key);

    /* OpenSSL's legacy Proc-Type/DEK-Info encryption. */
    char *legacy = pki("rsa-legacy-encrypted.key");
    tls = load_ok(rsa_cert, legacy, "correct horse");
    CHECK_STATUS(ctls_server_tls_key_der(tls, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "rsa.key.der"));
    ctls_server_tls_free(tls);
    free(legacy);
    free(rsa_cert);

    /* Encrypted PKCS#8: right, missing, empty and wrong passphrase. */
    char *chain = pki("chain.pem");
    char *encrypted = pki("leaf-encrypted.key");
    tls = load_ok(chain, encrypted, "correct horse");
    CHECK_STATUS(ctls_server_tls_key_der(tls, &data, &len), CTLS_OK);
    CHECK(bytes_equal_file(data, len, "leaf.key.der"));
    ctls_server_tls_free(tls);
    free(chain);
    free(encrypted);
    expect_load_error("chain.pem", "leaf-encrypted.key", NULL, CTLS_ERR_KEY_ENCRYPTED, "private_key",
                      "/leaf-encrypted.key");
    expect_load_error("chain.pem", "leaf-encrypted.key", "", CTLS_ERR_KEY_ENCRYPTED, "private_key",
                      "/leaf-encrypted.key");
    expect_load_error("chain.pem", "leaf-encrypted.key", "Correct horse", CTLS_ERR_PASSPHRASE_WRONG,
                      "private_key", "/leaf-encrypted.key");
    expect_load_error("rsa.pem", "rsa-legacy-encrypted.key", "correct horse ",
                      CTLS_ERR_PASSPHRASE_WRONG, "private_key", "/rsa-legacy-encrypted.key");

    /* The passphrase never appears in the message. */
    char *cert = pki("chain.pem");
    char *key = pki("leaf-encrypted.key");
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_server_tls_load(cert, key, "s3cret-passphrase", &tls, &err),
                 CTLS_ERR_PASSPHRASE_WRONG);
    CHECK(err != NULL && strstr(ctls_error_message(err), "s3cret") == NULL);
    ctls_error_free(err);
    free(cert);
    free(key);
}

static void warnings(void) {
    /* A passphrase for a plain key is ignored, with a warning. */
    char *cert = pki("chain.pem");
    char *key = pki("leaf.key");
    const ctls_server_tls *tls = load_ok(cert, key, "unused passphrase");
    CHECK(ctls_server_tls_warnings_len(tls) == 1);
    const ctls_warning *warning = ctls_server_tls_warning(tls, 0);
    CHECK_STR(ctls_warning_code(warning), "WARN_PASSPHRASE_UNUSED");
    CHECK_STR(ctls_warning_env_var(warning), "passphrase");
    CHECK_CONTAINS(ctls_warning_message(warning), "passphrase: ");
    CHECK(strstr(ctls_warning_message(warning), "unused passphrase") == NULL);
    ctls_server_tls_free(tls);
    free(cert);
    free(key);

    /* Expired and not-yet-valid certificates load, with a warning each. */
    const char *names[2][3] = {{"expired.pem", "expired.key", "WARN_CERT_EXPIRED"},
                               {"future.pem", "future.key", "WARN_CERT_NOT_YET_VALID"}};
    for (int i = 0; i < 2; i++) {
        cert = pki(names[i][0]);
        key = pki(names[i][1]);
        tls = load_ok(cert, key, NULL);
        CHECK(ctls_server_tls_warnings_len(tls) == 1);
        warning = ctls_server_tls_warning(tls, 0);
        CHECK_STR(ctls_warning_code(warning), names[i][2]);
        CHECK_STR(ctls_warning_env_var(warning), "certificate");
        ctls_server_tls_free(tls);
        free(cert);
        free(key);
    }
}

static void loading_errors(void) {
    expect_load_error("missing.pem", "leaf.key", NULL, CTLS_ERR_FILE_NOT_FOUND, "certificate",
                      "/missing.pem");
    expect_load_error("chain.pem", "missing.key", NULL, CTLS_ERR_FILE_NOT_FOUND, "private_key",
                      "/missing.key");
    expect_load_error("ca-db", "leaf.key", NULL, CTLS_ERR_FILE_UNREADABLE, "certificate", "/ca-db");
    expect_load_error("big.pem", "leaf.key", NULL, CTLS_ERR_FILE_TOO_LARGE, "certificate", "/big.pem");
    expect_load_error("empty.pem", "leaf.key", NULL, CTLS_ERR_PEM_INVALID, "certificate", "/empty.pem");
    expect_load_error("no-cert.pem", "leaf.key", NULL, CTLS_ERR_PEM_INVALID, "certificate",
                      "/no-cert.pem");
    expect_load_error("leaf.key", "leaf.key", NULL, CTLS_ERR_PEM_INVALID, "certificate", "/leaf.key");
    expect_load_error("chain.pem", "chain.pem", NULL, CTLS_ERR_PEM_INVALID, "private_key",
                      "/chain.pem");
    expect_load_error("rsa.pem", "rsa1024.key", NULL, CTLS_ERR_KEY_UNSUPPORTED, "private_key",
                      "/rsa1024.key");
    expect_load_error("chain.pem", "other.key", NULL, CTLS_ERR_KEY_MISMATCH, "private_key",
                      "/other.key");
    expect_load_error("rsa.pem", "leaf.key", NULL, CTLS_ERR_KEY_MISMATCH, "private_key", "/leaf.key");
    /* The chain must be reordered: the error points at the certificate file. */
    expect_load_error("wrong-order.pem", "leaf.key", NULL, CTLS_ERR_CHAIN_ORDER, "private_key",
                      "/wrong-order.pem");

    /* Errors about one PEM block say which, and where it starts. */
    char *cert = pki("not-a-cert.pem");
    char *key = pki("leaf.key");
    const ctls_server_tls *tls = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_server_tls_load(cert, key, NULL, &tls, &err);
    CHECK(ctls_error_block(err) == 1);
    CHECK(ctls_error_line(err) == 1);
    CHECK_CONTAINS(ctls_error_message(err), "block 1");
    CHECK_ERROR(status, err, CTLS_ERR_CERT_INVALID, "certificate", "/not-a-cert.pem");
    free(cert);
    cert = pki("bad-base64.pem");
    status = ctls_server_tls_load(cert, key, NULL, &tls, &err);
    CHECK(ctls_error_block(err) == 1);
    CHECK_ERROR(status, err, CTLS_ERR_PEM_INVALID, "certificate", "/bad-base64.pem");
    free(cert);

    /* Locations: unknown scheme, empty. */
    status = ctls_server_tls_load("classpath:tls/cert.pem", key, NULL, &tls, &err);
    CHECK_CONTAINS(ctls_error_message(err), "classpath");
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "certificate", NULL);
    status = ctls_server_tls_load("", key, NULL, &tls, &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_MISSING, "certificate", NULL);
    /* A missing path that is not UTF-8 is reported with its own bytes. */
    char *chain = pki("chain.pem");
    status = ctls_server_tls_load(chain, "/nonexistent/\xc3\x28.key", NULL, &tls, &err);
    CHECK_ERROR(status, err, CTLS_ERR_FILE_NOT_FOUND, "private_key", "/nonexistent/\xc3\x28.key");
    free(chain);
    CHECK(tls == NULL);

    /* err may be NULL: the status alone is returned. */
    CHECK_STATUS(ctls_server_tls_load("/nonexistent/cert.pem", key, NULL, &tls, NULL),
                 CTLS_ERR_FILE_NOT_FOUND);
    CHECK(tls == NULL);
    free(key);

    /* No message contains a line of the private key. */
    char *key_text = read_pki("leaf.key", NULL);
    char *second_line = strchr(key_text, '\n') + 1;
    second_line[20] = '\0';
    cert = pki("rsa.pem");
    key = pki("leaf.key");
    status = ctls_server_tls_load(cert, key, NULL, &tls, &err);
    CHECK(status == CTLS_ERR_KEY_MISMATCH && strstr(ctls_error_message(err), second_line) == NULL);
    ctls_error_free(err);
    free(key_text);
    free(cert);
    free(key);
}

int main(int argc, char **argv) {
    start(argc, argv);
    identity_accessors();
    location_forms();
    key_formats_and_passphrases();
    warnings();
    loading_errors();
    return finish("test_server_tls");
}
