/* The smallest program a C project builds with `pkg-config --cflags --libs console_tls`. */
#include <console_tls.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const ctls_config *config = NULL;
    const ctls_error *err = NULL;
    ctls_status status = ctls_config_from_vars(NULL, NULL, 0, &config, &err);
    const ctls_server_tls *server = ctls_config_server(config); /* a new reference, or NULL */
    int ok = status == CTLS_OK && server == NULL &&
             strcmp(ctls_status_name(CTLS_ERR_PANIC), "ERR_PANIC") == 0;
    ctls_config_free(config);
    printf("console-tls %s via pkg-config: %s\n", ctls_version(), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
