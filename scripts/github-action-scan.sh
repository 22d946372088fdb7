#!/usr/bin/env bash
# The scan step of action.yml, kept in a file so that it can be tested outside GitHub.
# Inputs come from the environment (never interpolated into the script: no injection):
#   TIKTOK_SCAN (the installed command), INPUT_PATH, INPUT_FAIL_ON, INPUT_SARIF_FILE,
#   INPUT_CATEGORY, INPUT_SINCE, INPUT_CONFIG_FROM_BASE, INPUT_NEW_ONLY, INPUT_BASELINE, INPUT_ARGS;
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
# Portable: bash 3.2 (macOS /bin/bash) to 5, Git Bash on Windows; POSIX tools only (no GNU-only flags).
set -uo pipefail

scan=${TIKTOK_SCAN:-tiktok-scan}
# By default the SARIF goes outside the checkout: the scanned tree (a pull request) must not be able
# to place a file or link where the report is written.
sarif=${INPUT_SARIF_FILE:-}
if [ -z "$sarif" ]; then
    sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tiktok-scan.sarif"
fi
read -r -a paths <<< "${INPUT_PATH:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"
cmd=("$scan" scan --format sarif --output "$sarif" --no-progress
     --fail-on "${INPUT_FAIL_ON:-error}" --category "${INPUT_CATEGORY:-tiktok-scan}")
if [ -n "${INPUT_SINCE:-}" ]; then
    cmd+=(--since "$INPUT_SINCE")
    # the pull request cannot change its own scan: configuration and baseline come from the base
    if [ "${INPUT_CONFIG_FROM_BASE:-true}" = "true" ]; then
        cmd+=(--config-ref "$INPUT_SINCE")
    fi
    # only what the pull request adds: findings already at the merge base stay known
    if [ "${INPUT_NEW_ONLY:-false}" = "true" ]; then
        cmd+=(--new-only)
    fi
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
    cmd+=(--baseline "$INPUT_BASELINE")
fi
# ${a[@]+"${a[@]}"}: an empty array is "unbound" under set -u before bash 4.4
cmd+=(${extra[@]+"${extra[@]}"} -- ${paths[@]+"${paths[@]}"})

echo "::group::tiktok-scan"
printf '%q ' "${cmd[@]}"; echo
"${cmd[@]}"
code=$?
echo "::endgroup::"

# only a report this scan wrote: not one left by an earlier step, nor what a link refused by the scan names
if [ "$code" -le 1 ] && [ -f "$sarif" ] && [ ! -L "$sarif" ]; then
    echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
    # the venv's python, next to the command: bin/python, or Scripts/python.exe on Windows
    bin_dir=$(dirname "$(command -v "$scan" || echo "$scan")")
    python_bin=
    for candidate in "$bin_dir/python" "$bin_dir/python.exe" python3 python; do
        case $candidate in
            */*) [ -f "$candidate" ] && [ -x "$candidate" ] || continue ;;
            *) command -v "$candidate" >/dev/null 2>&1 || continue ;;
        esac
        python_bin=$candidate
        break
    done
    if [ -n "$python_bin" ]; then
        PYTHONIOENCODING=utf-8 "$python_bin" - "$sarif" >> "${GITHUB_STEP_SUMMARY:-/dev/null}" <<'PY'
import collections, json, sys
run = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]
levels = collections.Counter(r.get("level", "warning") for r in run["results"])
rules = collections.Counter(r["ruleId"] for r in run["results"])
print("### tiktok-scan")
print(f"{len(run['results'])} result(s): " + ", ".join(f"{n} {lvl}" for lvl, n in sorted(levels.items())))
for rule, n in sorted(rules.items()):
    print(f"- {rule}: {n}")
for note in run["invocations"][0].get("toolExecutionNotifications", []):
    if note.get("descriptor", {}).get("id") == "result-limit":
        print(f"\n> {note['message']['text']}")
PY
    fi
fi
echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
case $code in
    0) ;;
    1) echo "::error title=tiktok-scan::findings at or above '${INPUT_FAIL_ON:-error}' (see the code scanning alerts or the SARIF file $sarif)" ;;
    *) echo "::error title=tiktok-scan::the scan failed (exit code $code)" ;;
esac
exit $code
