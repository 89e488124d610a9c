/*
 * Certificate health of a loaded config through the C ABI: Spring Boot's
 * `ssl` health component as JSON and the Prometheus expiry metrics, on a
 * PKI with a valid, an expired and a not-yet-valid listener chain and the
 * NODE_EXTRA_CA_CERTS bundle, and the warning threshold.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>

#include "test_util.h"

static const ctls_config *load(const char *management_chain, const char *management_key) {
    char *server_cert = pki("chain.pem"), *server_key = pki("leaf.key");
    char *mgmt_cert = pki(management_chain), *mgmt_key = pki(management_key);
    char *extra = pki("extra-ca.pem");
    const char *names[] = {"SERVER_SSL_ENABLED",
                           "SERVER_SSL_CERTIFICATE",
                           "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                           "MANAGEMENT_SERVER_SSL_ENABLED",
                           "MANAGEMENT_SERVER_SSL_CERTIFICATE",
                           "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                           "NODE_EXTRA_CA_CERTS"};
    const char *values[] = {"true", server_cert, server_key, "true", mgmt_cert, mgmt_key, extra};
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_config_from_vars(names, values, 7, &config, &err), CTLS_OK);
    if (err != NULL) {
        fprintf(stderr, "  %s\n", ctls_error_message(err));
        ctls_error_free(err);
    }
    free(server_cert);
    free(server_key);
    free(mgmt_cert);
    free(mgmt_key);
    free(extra);
    return config;
}

static char *health(const ctls_config *config, uint64_t threshold) {
    char *json = NULL;
    CHECK_STATUS(ctls_config_ssl_health_json(config, threshold, &json), CTLS_OK);
    CHECK(json != NULL);
    return json;
}

static char *metrics(const ctls_config *config, uint64_t threshold) {
    char *text = NULL;
    CHECK_STATUS(ctls_config_ssl_metrics(config, threshold, &text), CTLS_OK);
    CHECK(text != NULL);
    return text;
}

/* The management chain expired in 2021: the component is OUT_OF_SERVICE,
 * the server chain and both extra CAs stay valid. */
static void expired_listener(void) {
    const ctls_config *config = load("expired-chain.pem", "expired.key");
    CHECK(config != NULL);
    char *json = health(config, CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS);
    CHECK_CONTAINS(json, "{\"status\":\"OUT_OF_SERVICE\",\"details\":{\"validChains\":[");
    CHECK_CONTAINS(json, "\"invalidChains\":[{\"alias\":\"management\"");
    CHECK_CONTAINS(json, "\"status\":\"EXPIRED\"");
    CHECK_CONTAINS(json, "\"alias\":\"server\"");
    CHECK_CONTAINS(json, "\"alias\":\"CN=identity.local\"");
    CHECK(strstr(json, "WILL_EXPIRE_SOON") == NULL);
    char *text = metrics(config, CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS);
    CHECK_CONTAINS(text, "# TYPE ssl_chains gauge\n");
    CHECK_CONTAINS(text, "ssl_chains{status=\"valid\"} 3\n");
    CHECK_CONTAINS(text, "ssl_chains{status=\"expired\"} 1\n");
    CHECK_CONTAINS(text, "ssl_chains{status=\"not-yet-valid\"} 0\n");
    CHECK_CONTAINS(text, "ssl_chains{status=\"will-expire-soon\"} 0\n");
    /* Expired in 2021: a negative number of seconds. */
    CHECK_CONTAINS(text, "ssl_chain_expiry_seconds{bundle=\"management\",chain=\"management\",certificate=\"");
    const char *expiry = strstr(text, "bundle=\"management\"");
    CHECK(expiry != NULL && strstr(expiry, "} -") != NULL && strstr(expiry, "} -") < strchr(expiry, '\n'));
    ctls_string_free(json);
    ctls_string_free(text);
    ctls_config_free(config);
}

static void not_yet_valid_listener(void) {
    const ctls_config *config = load("future-chain.pem", "future.key");
    CHECK(config != NULL);
    char *json = health(config, CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS);
    CHECK_CONTAINS(json, "\"status\":\"OUT_OF_SERVICE\"");
    CHECK_CONTAINS(json, "\"status\":\"NOT_YET_VALID\"");
    char *text = metrics(config, CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS);
    CHECK_CONTAINS(text, "ssl_chains{status=\"not-yet-valid\"} 1\n");
    ctls_string_free(json);
    ctls_string_free(text);
    ctls_config_free(config);
}

/* The leaves and Identity's certificate are valid for 825 days, the CAs for
 * 10 years: a threshold of 900 days makes both listeners' chains and
 * Identity's WILL_EXPIRE_SOON, still valid (as in Spring Boot), and leaves
 * the root VALID; 0 makes nothing expire soon. */
static void warning_threshold(void) {
    const ctls_config *config = load("rsa.pem", "rsa.key");
    CHECK(config != NULL);
    char *json = health(config, 900ull * 24 * 60 * 60);
    CHECK_CONTAINS(json, "{\"status\":\"UP\"");
    CHECK_CONTAINS(json, "\"status\":\"WILL_EXPIRE_SOON\"");
    CHECK_CONTAINS(json, "\"invalidChains\":[]");
    char *text = metrics(config, 900ull * 24 * 60 * 60);
    CHECK_CONTAINS(text, "ssl_chains{status=\"will-expire-soon\"} 3\n");
    CHECK_CONTAINS(text, "ssl_chains{status=\"valid\"} 1\n");
    char *none = metrics(config, 0);
    CHECK_CONTAINS(none, "ssl_chains{status=\"will-expire-soon\"} 0\n");
    CHECK_CONTAINS(none, "ssl_chains{status=\"valid\"} 4\n");
    ctls_string_free(json);
    ctls_string_free(text);
    ctls_string_free(none);
    ctls_config_free(config);
}

static void null_arguments(void) {
    char *out = (char *)"stale";
    CHECK_STATUS(ctls_config_ssl_health_json(NULL, 0, &out), CTLS_ERR_NULL_ARGUMENT);
    CHECK(out == NULL);
    out = (char *)"stale";
    CHECK_STATUS(ctls_config_ssl_metrics(NULL, 0, &out), CTLS_ERR_NULL_ARGUMENT);
    CHECK(out == NULL);
    const ctls_config *config = load("rsa.pem", "rsa.key");
    CHECK_STATUS(ctls_config_ssl_health_json(config, 0, NULL), CTLS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(ctls_config_ssl_metrics(config, 0, NULL), CTLS_ERR_NULL_ARGUMENT);
    ctls_string_free(NULL);
    ctls_config_free(config);
}

int main(int argc, char **argv) {
    start(argc, argv);
    expired_listener();
    not_yet_valid_listener();
    warning_threshold();
    null_arguments();
    return finish("test_health");
}
