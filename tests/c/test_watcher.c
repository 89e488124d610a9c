/*
 * ctls_watcher: certificate rotation driven by ctls_watcher_poll. Files are
 * rotated the way Kubernetes does (a new timestamped directory, the ..data
 * symlink swapped with rename(2)) and by hand (write-then-rename, in place),
 * through broken states that are reported once each while the last good
 * configuration stays current. Every wait is a bounded number of polls.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

/* Polls before giving up on a change (2 ms apart: 10 s, generous under valgrind). */
#define MAX_POLLS 5000

static char *base_dir;

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* dir/name in a new string to free. */
static char *join(const char *dir, const char *name) {
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(len);
    if (path == NULL) {
        abort();
    }
    snprintf(path, len, "%s/%s", dir, name);
    return path;
}

static void write_file(const char *path, const char *data, size_t len) {
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(data, 1, len, file) != len || fclose(file) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
}

/* A PKI file's content (or its first `limit` bytes when limit > 0). */
typedef struct {
    char *data;
    size_t len;
} blob;

static blob pki_blob(const char *name, size_t limit) {
    blob b;
    b.data = read_pki(name, &b.len);
    if (limit > 0 && limit < b.len) {
        b.len = limit;
    }
    return b;
}

/* A Kubernetes secret volume in its own directory. */
typedef struct {
    char *dir;
    int generation;
} volume;

static char *make_dir(const char *name) {
    char *dir = join(base_dir, name);
    if (mkdir(dir, 0700) != 0) {
        fprintf(stderr, "cannot create %s\n", dir);
        abort();
    }
    return dir;
}

/* Writes ..<generation>/tls.{crt,key} and swaps ..data to it with rename(2). */
static void publish(volume *v, blob cert, blob key) {
    char name[32];
    v->generation++;
    snprintf(name, sizeof name, "..2026_11_28_%04d", v->generation);
    char *target = join(v->dir, name);
    mkdir(target, 0700);
    char *crt = join(target, "tls.crt");
    char *k = join(target, "tls.key");
    write_file(crt, cert.data, cert.len);
    write_file(k, key.data, key.len);
    char *tmp = join(v->dir, "..data_tmp");
    char *data = join(v->dir, "..data");
    if (symlink(name, tmp) != 0 || rename(tmp, data) != 0) {
        fprintf(stderr, "cannot swap ..data\n");
        abort();
    }
    if (v->generation == 1) {
        char *link_crt = join(v->dir, "tls.crt");
        char *link_key = join(v->dir, "tls.key");
        CHECK(symlink("..data/tls.crt", link_crt) == 0);
        CHECK(symlink("..data/tls.key", link_key) == 0);
        free(link_crt);
        free(link_key);
    }
    free(target);
    free(crt);
    free(k);
    free(tmp);
    free(data);
}

/* Replaces dir/name under a new inode, as editors and most tools do. */
static void write_then_rename(const char *dir, const char *name, blob content) {
    char *path = join(dir, name);
    char *tmp = join(dir, ".tmp");
    write_file(tmp, content.data, content.len);
    CHECK(rename(tmp, path) == 0);
    free(path);
    free(tmp);
}

static const ctls_watcher *watcher_for(const char *dir) {
    char *cert = join(dir, "tls.crt");
    char *key_path = join(dir, "tls.key");
    size_t len = strlen("file:") + strlen(key_path) + 1;
    char *key = malloc(len);
    if (key == NULL) {
        abort();
    }
    snprintf(key, len, "file:%s", key_path);
    const char *names[] = {"SERVER_SSL_ENABLED", "SERVER_SSL_CERTIFICATE",
                           "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "UNRELATED"};
    const char *values[] = {"true", cert, key, "ignored"};
    const ctls_watcher *watcher = (const ctls_watcher *)dir; /* stale on purpose */
    const ctls_error *err = NULL;
    CHECK_STATUS(ctls_watcher_new(names, values, 4, &watcher, &err), CTLS_OK);
    CHECK(err == NULL);
    CHECK(watcher != NULL);
    free(cert);
    free(key_path);
    free(key);
    return watcher;
}

/* Polls until something other than UNCHANGED happens (or MAX_POLLS). */
static ctls_watch_status settle(const ctls_watcher *watcher, const ctls_config **reloaded,
                                const ctls_error **err) {
    for (int i = 0; i < MAX_POLLS; i++) {
        ctls_watch_status status = ctls_watcher_poll(watcher, reloaded, err);
        if (status != CTLS_WATCH_UNCHANGED) {
            return status;
        }
        CHECK(*reloaded == NULL && *err == NULL);
        sleep_ms(2);
    }
    return CTLS_WATCH_UNCHANGED;
}

/* Whether a config's main listener has the key type `expected` ("" when
 * there is no listener). */
static int has_key_type(const ctls_config *config, const char *expected) {
    const ctls_server_tls *server = ctls_config_server(config);
    int same = strcmp(server != NULL ? ctls_server_tls_key_type(server) : "", expected) == 0;
    ctls_server_tls_free(server);
    return same;
}

/* The key type the watcher serves now. */
static void check_current(const ctls_watcher *watcher, const char *expected) {
    const ctls_config *current = ctls_watcher_current(watcher);
    CHECK(current != NULL);
    CHECK(has_key_type(current, expected));
    ctls_config_free(current);
}

static void expect_reload(const ctls_watcher *watcher, const char *expected_key_type) {
    const ctls_config *reloaded = NULL;
    const ctls_error *err = NULL;
    ctls_watch_status status = settle(watcher, &reloaded, &err);
    CHECK(status == CTLS_WATCH_RELOADED);
    CHECK(err == NULL);
    if (status == CTLS_WATCH_FAILED) {
        fprintf(stderr, "  unexpected failure: %s\n", ctls_error_message(err));
        ctls_error_free(err);
    }
    CHECK(reloaded != NULL);
    CHECK(has_key_type(reloaded, expected_key_type));
    ctls_config_free(reloaded);
    check_current(watcher, expected_key_type);
}

static void expect_failure(const ctls_watcher *watcher, ctls_status expected, const char *env_var,
                           const char *path_suffix, const char *still_current) {
    const ctls_config *reloaded = (const ctls_config *)watcher; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_watch_status status = settle(watcher, &reloaded, &err);
    CHECK(status == CTLS_WATCH_FAILED);
    CHECK(reloaded == NULL);
    CHECK_ERROR(ctls_error_status(err), err, expected, env_var, path_suffix);
    /* Reported once: the same broken state is no news. */
    CHECK(ctls_watcher_poll(watcher, NULL, NULL) == CTLS_WATCH_UNCHANGED);
    check_current(watcher, still_current);
}

static void kubernetes_rotation(void) {
    blob leaf_pem = pki_blob("leaf.pem", 0), leaf_key = pki_blob("leaf.key", 0);
    blob rsa_pem = pki_blob("rsa.pem", 0), rsa_key = pki_blob("rsa.key", 0);
    blob truncated_key = pki_blob("rsa.key", 200), other_key = pki_blob("other.key", 0);
    blob empty = {"", 0};
    volume v = {make_dir("k8s"), 0};
    publish(&v, leaf_pem, leaf_key);

    const ctls_watcher *watcher = watcher_for(v.dir);
    CHECK(ctls_watcher_files_len(watcher) == 2);
    CHECK_CONTAINS(ctls_watcher_file(watcher, 0), "/k8s/tls.crt");
    CHECK_CONTAINS(ctls_watcher_file(watcher, 1), "/k8s/tls.key");
    CHECK(ctls_watcher_file(watcher, 2) == NULL);
    const ctls_config *first = ctls_watcher_current(watcher);
    CHECK(has_key_type(first, "ECDSA P-256"));
    CHECK(ctls_watcher_poll(watcher, NULL, NULL) == CTLS_WATCH_UNCHANGED);

    publish(&v, rsa_pem, rsa_key);
    expect_reload(watcher, "RSA 2048-bit");
    /* A configuration taken before the reload is still whole. */
    CHECK(has_key_type(first, "ECDSA P-256"));
    ctls_config_free(first);

    publish(&v, rsa_pem, truncated_key);
    expect_failure(watcher, CTLS_ERR_PEM_INVALID, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "/tls.key",
                   "RSA 2048-bit");
    publish(&v, leaf_pem, other_key);
    expect_failure(watcher, CTLS_ERR_KEY_MISMATCH, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "/tls.key",
                   "RSA 2048-bit");
    publish(&v, empty, leaf_key);
    expect_failure(watcher, CTLS_ERR_PEM_INVALID, "SERVER_SSL_CERTIFICATE", "/tls.crt",
                   "RSA 2048-bit");
    publish(&v, leaf_pem, leaf_key);
    expect_reload(watcher, "ECDSA P-256");

    ctls_watcher_free(watcher);
    free(v.dir);
    free(leaf_pem.data);
    free(leaf_key.data);
    free(rsa_pem.data);
    free(rsa_key.data);
    free(truncated_key.data);
    free(other_key.data);
}

static void rotation_by_hand(void) {
    blob leaf_pem = pki_blob("leaf.pem", 0), leaf_key = pki_blob("leaf.key", 0);
    blob rsa_pem = pki_blob("rsa.pem", 0), rsa_key = pki_blob("rsa.key", 0);
    char *dir = make_dir("by-hand");
    char *crt = join(dir, "tls.crt");
    char *key = join(dir, "tls.key");
    write_file(crt, leaf_pem.data, leaf_pem.len);
    write_file(key, leaf_key.data, leaf_key.len);
    const ctls_watcher *watcher = watcher_for(dir);
    check_current(watcher, "ECDSA P-256");

    /* Write-then-rename, as editors and most tools replace files. */
    write_then_rename(dir, "tls.crt", rsa_pem);
    write_then_rename(dir, "tls.key", rsa_key);
    expect_reload(watcher, "RSA 2048-bit");

    /* In place, same inodes. */
    write_file(crt, leaf_pem.data, leaf_pem.len);
    write_file(key, leaf_key.data, leaf_key.len);
    expect_reload(watcher, "ECDSA P-256");

    /* The same bytes again: no news, then a real change is the next event. */
    write_file(crt, leaf_pem.data, leaf_pem.len);
    for (int i = 0; i < 5; i++) {
        CHECK(ctls_watcher_poll(watcher, NULL, NULL) == CTLS_WATCH_UNCHANGED);
        sleep_ms(2);
    }
    CHECK(remove(key) == 0);
    expect_failure(watcher, CTLS_ERR_FILE_NOT_FOUND, "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                   "/tls.key", "ECDSA P-256");

    ctls_watcher_free(watcher);
    free(crt);
    free(key);
    free(dir);
    free(leaf_pem.data);
    free(leaf_key.data);
    free(rsa_pem.data);
    free(rsa_key.data);
}

static void first_load_fails(void) {
    blob leaf_pem = pki_blob("leaf.pem", 0), leaf_key = pki_blob("leaf.key", 0);
    char *dir = make_dir("late");
    char *crt = join(dir, "tls.crt");
    char *key = join(dir, "tls.key");
    write_file(crt, leaf_pem.data, leaf_pem.len);
    const ctls_watcher *watcher = watcher_for(dir);
    CHECK(ctls_watcher_current(watcher) == NULL);
    /* The first poll reports why, once. */
    const ctls_config *reloaded = NULL;
    const ctls_error *err = NULL;
    CHECK(ctls_watcher_poll(watcher, &reloaded, &err) == CTLS_WATCH_FAILED);
    CHECK(reloaded == NULL);
    CHECK_ERROR(ctls_error_status(err), err, CTLS_ERR_FILE_NOT_FOUND,
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "/late/tls.key");
    CHECK(ctls_watcher_poll(watcher, NULL, NULL) == CTLS_WATCH_UNCHANGED);
    write_file(key, leaf_key.data, leaf_key.len);
    expect_reload(watcher, "ECDSA P-256");
    ctls_watcher_free(watcher);
    free(crt);
    free(key);
    free(dir);
    free(leaf_pem.data);
    free(leaf_key.data);
}

/* Several threads poll one watcher: each change is reported to one of them. */
typedef struct {
    const ctls_watcher *watcher;
    int reloaded;
    int failed;
} poller;

static atomic_int stop_polling;

static void *poll_loop(void *arg) {
    poller *p = arg;
    for (int i = 0; i < MAX_POLLS && !stop_polling; i++) {
        const ctls_config *config = NULL;
        switch (ctls_watcher_poll(p->watcher, &config, NULL)) {
        case CTLS_WATCH_RELOADED:
            p->reloaded++;
            ctls_config_free(config);
            break;
        case CTLS_WATCH_FAILED:
            p->failed++;
            break;
        case CTLS_WATCH_UNCHANGED:
            break;
        }
        /* Readers never wait for a load. */
        ctls_config_free(ctls_watcher_current(p->watcher));
        sleep_ms(1);
    }
    return NULL;
}

static void threads_share_a_watcher(void) {
    blob leaf_pem = pki_blob("leaf.pem", 0), leaf_key = pki_blob("leaf.key", 0);
    blob rsa_pem = pki_blob("rsa.pem", 0), rsa_key = pki_blob("rsa.key", 0);
    volume v = {make_dir("threads"), 0};
    publish(&v, leaf_pem, leaf_key);
    const ctls_watcher *watcher = watcher_for(v.dir);
    poller pollers[3] = {{watcher, 0, 0}, {watcher, 0, 0}, {watcher, 0, 0}};
    pthread_t threads[3];
    stop_polling = 0;
    for (int i = 0; i < 3; i++) {
        CHECK(pthread_create(&threads[i], NULL, poll_loop, &pollers[i]) == 0);
    }
    publish(&v, rsa_pem, rsa_key);
    /* Wait (bounded) until the rotation is current, then a little more for stray reports. */
    for (int i = 0; i < MAX_POLLS; i++) {
        const ctls_config *current = ctls_watcher_current(watcher);
        int done = has_key_type(current, "RSA 2048-bit");
        ctls_config_free(current);
        if (done) {
            break;
        }
        sleep_ms(2);
    }
    sleep_ms(50);
    stop_polling = 1;
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
    }
    int reloaded = pollers[0].reloaded + pollers[1].reloaded + pollers[2].reloaded;
    int failed = pollers[0].failed + pollers[1].failed + pollers[2].failed;
    CHECK(reloaded == 1);
    CHECK(failed == 0);
    check_current(watcher, "RSA 2048-bit");
    ctls_watcher_free(watcher);
    free(v.dir);
    free(leaf_pem.data);
    free(leaf_key.data);
    free(rsa_pem.data);
    free(rsa_key.data);
}

static void bad_arguments(void) {
    const ctls_watcher *watcher = (const ctls_watcher *)&watcher; /* stale on purpose */
    const ctls_error *err = NULL;
    ctls_status status = ctls_watcher_new(NULL, NULL, 1, &watcher, &err);
    CHECK_ERROR(status, err, CTLS_ERR_NULL_ARGUMENT, "names", NULL);
    CHECK(watcher == NULL);
    const char *names[] = {"SERVER_SSL_ENABLED"};
    const char *values[] = {NULL};
    status = ctls_watcher_new(names, values, 1, &watcher, &err);
    CHECK_ERROR(status, err, CTLS_ERR_NULL_ARGUMENT, "values", NULL);
    CHECK_STATUS(ctls_watcher_new(names, names, 1, NULL, NULL), CTLS_ERR_NULL_ARGUMENT);
    status = ctls_watcher_new_with_options(NULL, NULL, 0, 1u << 30, &watcher, &err);
    CHECK_ERROR(status, err, CTLS_ERR_CONFIG_INVALID, "options", NULL);
    CHECK(watcher == NULL);

    const ctls_config *reloaded = (const ctls_config *)&reloaded;
    CHECK(ctls_watcher_poll(NULL, &reloaded, &err) == CTLS_WATCH_FAILED);
    CHECK(reloaded == NULL);
    CHECK_ERROR(ctls_error_status(err), err, CTLS_ERR_NULL_ARGUMENT, "watcher", NULL);
    CHECK(ctls_watcher_poll(NULL, NULL, NULL) == CTLS_WATCH_FAILED);
    CHECK(ctls_watcher_current(NULL) == NULL);
    CHECK(ctls_watcher_files_len(NULL) == 0);
    CHECK(ctls_watcher_file(NULL, 0) == NULL);
    ctls_watcher_free(NULL);

    /* Nothing enabled: nothing to watch, a configuration all the same. */
    CHECK_STATUS(ctls_watcher_new(NULL, NULL, 0, &watcher, &err), CTLS_OK);
    CHECK(ctls_watcher_files_len(watcher) == 0);
    const ctls_config *config = ctls_watcher_current(watcher);
    CHECK(config != NULL && !present(ctls_config_server(config)));
    ctls_config_free(config);
    CHECK(ctls_watcher_poll(watcher, NULL, NULL) == CTLS_WATCH_UNCHANGED);
    ctls_watcher_free(watcher);

    /* From the process environment (read once, at creation). */
    unsetenv("SERVER_SSL_ENABLED");
    unsetenv("MANAGEMENT_SERVER_SSL_ENABLED");
    unsetenv("NODE_EXTRA_CA_CERTS");
    CHECK_STATUS(ctls_watcher_from_env(&watcher, &err), CTLS_OK);
    CHECK(ctls_watcher_files_len(watcher) == 0);
    ctls_watcher_free(watcher);
}

int main(int argc, char **argv) {
    start(argc, argv);
    char template[] = "/tmp/ctls-watcher-XXXXXX";
    base_dir = mkdtemp(template);
    if (base_dir == NULL) {
        fprintf(stderr, "mkdtemp failed\n");
        return 2;
    }
    kubernetes_rotation();
    rotation_by_hand();
    first_load_fails();
    threads_share_a_watcher();
    bad_arguments();
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", base_dir);
    if (system(command) != 0) {
        fprintf(stderr, "could not remove %s\n", base_dir);
    }
    return finish("test_watcher");
}
