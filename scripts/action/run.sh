#!/usr/bin/env bash
# Gate step of the readyctl GitHub Action (action.yml): runs `readyctl check`
# once, writing every report the inputs ask for with --report, and records
# the exit code. It never expands a glob or splits a path: INPUT_ARGS is
# split on whitespace only (`--skip terraform.*` stays `terraform.*`).
#
# Environment: READYCTL_BIN, INPUT_PATH, INPUT_FORMAT, INPUT_FAIL_ON,
# INPUT_OUTPUT, INPUT_ARGS, INPUT_SUMMARY, INPUT_UPLOAD_SARIF,
# INPUT_SARIF_FILE; GITHUB_OUTPUT and GITHUB_STEP_SUMMARY when on GitHub.
set -uo pipefail

bin=${READYCTL_BIN:-readyctl}
output=${GITHUB_OUTPUT:-/dev/null}

args=(check "${INPUT_PATH:-.}" --format "${INPUT_FORMAT:-github}"
    --fail-on "${INPUT_FAIL_ON:-error}" --no-progress)
if [ -n "${INPUT_OUTPUT:-}" ]; then
    args+=(--output "$INPUT_OUTPUT")
fi
summary_file=""
if [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    summary_file=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/readyctl-summary.XXXXXX")
    args+=(--report "markdown=$summary_file")
fi
if [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then
    args+=(--report "sarif=${INPUT_SARIF_FILE:-readyctl.sarif}")
fi
# Extra arguments: split on whitespace, never glob-expanded (`read -a`
# does no pathname expansion).
extra=()
read -r -a extra <<<"${INPUT_ARGS:-}" || true
args+=("${extra[@]}")

"$bin" "${args[@]}"
rc=$?
if [ -n "$summary_file" ]; then
    [ -s "$summary_file" ] && cat "$summary_file" >>"$GITHUB_STEP_SUMMARY"
    rm -f "$summary_file"
fi
echo "exit-code=$rc" >>"$output"
if [ "$rc" -eq 0 ]; then echo "ready=true" >>"$output"; else echo "ready=false" >>"$output"; fi
# 0 ready, 1 not ready: the verdict step decides; 2 could not check: fail now.
[ "$rc" -le 1 ] || exit "$rc"
exit 0
