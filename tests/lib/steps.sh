# The step runner of the shell test scripts (tests/c/run.sh, tests/packaging.sh),
# sourced after they set `work` (a scratch directory).
#
#   step NAME COMMAND...   runs COMMAND, prints "ok    NAME (N s)" or "FAIL  NAME"
#                          with the tail of its output, and counts the result;
#                          lines of the output that match $STEP_TALLY (a grep
#                          pattern, e.g. a test program's "checks passed") are
#                          shown under an ok line too
#   finish                 prints "N passed, N failed" and exits non-zero on any failure

passed=0
failed=0

step() {
    local name=$1
    shift
    local started=$SECONDS
    if "$@" >"$work/step.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok    $name ($((SECONDS - started)) s)"
        if [ -n "${STEP_TALLY:-}" ]; then
            grep -h "$STEP_TALLY" "$work/step.log" | sed 's/^/      /'
        fi
    else
        failed=$((failed + 1))
        echo "FAIL  $name"
        sed 's/^/      /' "$work/step.log" | tail -n 60
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
