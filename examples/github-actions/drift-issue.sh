#!/usr/bin/env bash
# Keeps ONE open issue per environment in step with `warren drift`: opened the
# first time the broker differs from the topology, its body replaced by every
# later run that still finds drift (body edits notify nobody: the issue does
# not ring every night), closed with a comment by the first run that finds no
# drift. The issue is found by the label warren-drift and the hidden marker on
# the first line of its body, so renaming it is harmless. Uses only `gh`
# (preinstalled on GitHub's runners) and jq.
#
# Usage: drift-issue.sh ENVIRONMENT STATUS DRIFT.json
#   STATUS is warren drift's exit code and DRIFT.json its `--format json`
#   output. Only 0 (no drift: close) and 4 (drift: open or update) are
#   answers; anything else (1: the broker could not be read, 2: usage) says
#   nothing about drift, so the script fails without touching any issue.
# Environment: GH_TOKEN (github.token; the job needs `issues: write`),
# GITHUB_REPOSITORY; GITHUB_SERVER_URL, GITHUB_RUN_ID and GITHUB_SHA for the
# links to the run and to the YAML lines (all set by GitHub Actions);
# GITHUB_STEP_SUMMARY, which gets the whole report.
set -euo pipefail

usage='usage: drift-issue.sh ENVIRONMENT STATUS DRIFT.json'
environment=${1:?$usage}
status=${2:?$usage}
report=${3:?$usage}
: "${GH_TOKEN:?GH_TOKEN is not set}" "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
# The name goes into the marker and the title: letters, digits, . _ - only.
case "$environment" in
	*[!A-Za-z0-9._-]*)
		echo "drift-issue.sh: the environment name $environment has other characters than letters, digits, . _ -" >&2
		exit 2
		;;
esac

label=warren-drift
marker="<!-- warren-drift: $environment -->"
title="warren drift: $environment"
limit=65000 # GitHub refuses an issue body over 65,536 characters
server=${GITHUB_SERVER_URL:-https://github.com}
run_url="$server/$GITHUB_REPOSITORY/actions/runs/${GITHUB_RUN_ID:-}"
sha=${GITHUB_SHA:-}
repo=(--repo "$GITHUB_REPOSITORY") # never taken from the checkout's remote

# The numbers of this environment's open drift issues, oldest first: normally
# none or one. jq, not gh's --jq, so the marker is passed as data, not code.
open_issues() {
	gh issue list "${repo[@]}" --label "$label" --state open --limit 100 --json number,body |
		jq -r --arg marker "$marker" 'map(select(.body | startswith($marker))) | sort_by(.number) | .[].number'
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi
}

case "$status" in
	0 | 4) ;;
	*)
		echo "::error title=warren drift::warren drift exited $status for $environment (above), which says nothing about drift: its issue is left as it is." >&2
		exit 1
		;;
esac
# The report must agree with the exit code: a stale or truncated file must
# neither close an issue nor open an empty one. One JSON document whose answer
# is `true`, not jq's exit code (jq 1.6 -e passes an empty file).
expected=$([ "$status" = 4 ] && echo true || echo false)
verdict=$(jq --argjson drift "$expected" '(.drift | type == "array") and ((.drift | length > 0) == $drift)' "$report" 2>/dev/null) || true
if [ "$verdict" != true ]; then
	echo "::error title=warren drift::$report is not the report of a warren drift that exited $status." >&2
	exit 1
fi
run_text="[run ${GITHUB_RUN_ID:-?}]($run_url)${sha:+ at ${sha:0:7}}"

if [ "$status" = 0 ]; then
	printf '## warren drift: %s\n\nNo drift: the broker holds what the topology declares.\n' "$environment" | summary
	found=0
	for number in $(open_issues); do
		gh issue close "$number" "${repo[@]}" --reason completed \
			--comment "Drift gone: the broker of **$environment** holds what the topology declares ($run_text). Closing."
		echo "warren: $environment: no drift; closed issue #$number"
		found=1
	done
	[ "$found" = 1 ] || echo "warren: $environment: no drift"
	exit 0
fi

# The report in Markdown: a table per kind. Every name, value and path from
# the broker or the topology is data: each character that Markdown or HTML
# could read (| < & * _ [ ` @ …) is written as a character reference inside
# <code>, so a queue named `a|b` keeps its table row and `@team` pings nobody.
# jq 1.6 and later.
# shellcheck disable=SC2016 # jq's $variables, not the shell's
program='
def lit: "<code>" + (tostring | explode | map(
    if (. >= 48 and . <= 57) or (. >= 65 and . <= 90) or (. >= 97 and . <= 122)
      or . == 32 or . == 45 or . == 46 or . == 47 or . > 127
    then [.] | implode else "&#\(.);" end) | join("")) + "</code>";
def shown: tojson | if length > 200 then .[0:199] + "…" else . end;
def differs:
  if .kind == "changed" then
    [(.changes // [])[] | if .hidden then "\(.field | lit) differs (not shown)"
      else "\(.field | lit): \(if has("topology") then .topology | shown | lit else "absent" end) in the topology, \(if has("broker") then .broker | shown | lit else "absent" end) on the broker" end]
    | join("<br>")
  elif .kind == "overridden" then
    ([if .policy then "policy \(.policy | lit)" else empty end,
      if .operatorPolicy then "operator policy \(.operatorPolicy | lit)" else empty end] | join(" and "))
    + (if (.fields // []) | length > 0 then " sets \((.fields | map(lit) | join(", ")))" else "" end)
  else "" end;
def place:
  if (.file // "") == "" or .file == "<broker>" then "not in the topology"
  else (.file | if $workspace != "" and startswith($workspace + "/") then .[($workspace | length) + 1:] else . end) as $f
    | "\($f):\(.line // 1)" as $text
    | if $sha == "" or ($f | startswith("/")) then $text | lit
      else "[\($text | lit)](\($server)/\($repo)/blob/\($sha)/\($f | split("/") | map(@uri) | join("/"))#L\(.line // 1))" end
  end;
def heading: {
  missing: "missing: declared in the topology, not on the broker",
  changed: "changed: on the broker with other values than declared",
  unmanaged: "unmanaged: on the broker, not in the topology",
  overridden: "overridden: the broker applies a policy the topology does not declare"
}[.];
. as $report
| ["missing", "changed", "unmanaged", "overridden"] as $kinds
| [$kinds[] as $k | ($report.drift | map(select(.kind == $k)) | length) as $n | select($n > 0) | "\($n) \($k)"] as $counts
| $marker, "## warren drift: \($environment)", "",
  "The broker of **\($environment)** differs from the topology: \($counts | join(", ")) (found by \($run)).", "",
  ($kinds[] as $k | ($report.drift | map(select(.kind == $k))) as $rows | select($rows | length > 0)
    | "### \($k | heading)", "",
      "| type | vhost | name | what differs | in the topology |", "|---|---|---|---|---|",
      ($rows[] | "| \(.type | if test("^[a-z ]+$") then . else lit end) | \(if .vhost == null then "" else .vhost | lit end) | \(.name | lit) | \(differs) | \(place) |"),
      ""),
  (($report.unknown // []) | length | select(. > 0)
    | "\(if . == 1 then "1 queue" else "\(.) queues" end) could not be compared: the broker had not yet reported which policy applies (the statistics of a queue come some seconds after it is declared, and not while it is down).", ""),
  "To resolve: `pulumi up` puts the broker back as the topology declares it; or declare in the topology what the broker holds; or leave an object out with `--ignore VHOST/TYPE/NAME` in the workflow.",
  "Every scheduled run replaces this text; the first run that finds no drift closes this issue."
'
body=$(mktemp)
trap 'rm -f "$body" "$body.full"' EXIT
jq -r --arg marker "$marker" --arg environment "$environment" --arg run "$run_text" \
	--arg server "$server" --arg repo "$GITHUB_REPOSITORY" --arg sha "$sha" \
	--arg workspace "${GITHUB_WORKSPACE:-}" "$program" "$report" >"$body.full"
tail -n +2 "$body.full" | summary # all of it, without the marker
if [ "$(wc -c <"$body.full")" -le "$limit" ]; then
	cp "$body.full" "$body"
else
	# Whole lines only (a cut line could be half a character or half a row).
	head -c "$limit" "$body.full" | sed '$d' >"$body"
	printf '\n… cut here: the whole report is in the summary of %s.\n' "$run_text" >>"$body"
fi

numbers=$(open_issues)
if [ -z "$numbers" ]; then
	# The label must exist before an issue can carry it; --force: it may (two
	# environments' jobs run side by side), and then this only sets its colour.
	gh label create "$label" "${repo[@]}" --color d93f0b --force \
		--description 'warren drift: a broker differs from its topology (one open issue per environment)'
	url=$(gh issue create "${repo[@]}" --title "$title" --label "$label" --body-file "$body")
	echo "warren: $environment: drift; opened $url"
	exit 0
fi
first=${numbers%%$'\n'*}
gh issue edit "$first" "${repo[@]}" --body-file "$body" >/dev/null
echo "warren: $environment: drift; updated issue #$first"
# Two open issues of one environment (a run that raced another, a copy by
# hand): the oldest stays, the others are closed as its duplicates.
for number in ${numbers#"$first"}; do
	gh issue close "$number" "${repo[@]}" --reason 'not planned' --comment "Duplicate of #$first, which warren drift keeps up to date."
	echo "warren: $environment: closed issue #$number, a duplicate of #$first"
done
