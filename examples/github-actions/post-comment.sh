#!/usr/bin/env bash
# Posts a Markdown file as THE warren comment of a pull request: the first run
# creates it, every later run edits that same comment, so the pull request
# shows one comment with the latest diff. The comment is found by the hidden
# marker on its first line. Uses only `gh` (preinstalled on GitHub's runners).
#
# Usage: post-comment.sh BODY.md
# Environment: GH_TOKEN (github.token; the job needs `pull-requests: write`),
# PR_NUMBER, GITHUB_REPOSITORY (owner/name; set by GitHub Actions).
set -euo pipefail

body_file=${1:?usage: post-comment.sh BODY.md}
: "${GH_TOKEN:?GH_TOKEN is not set}" "${PR_NUMBER:?PR_NUMBER is not set}" "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
marker='<!-- warren-diff -->'
limit=65000 # GitHub refuses a comment over 65,536 characters

body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
	printf '%s\n' "$marker"
	if [ "$(wc -c <"$body_file")" -le "$limit" ]; then
		cat "$body_file"
	else
		head -c "$limit" "$body_file"
		printf '\n\n… cut here: the whole diff is in the job summary of this run.\n'
	fi
} >"$body"

# Every page of the pull request's comments; the id of each that starts with the marker.
ids=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
	--jq ".[] | select(.body | startswith(\"$marker\")) | .id")
id=${ids%%$'\n'*} # the first, the oldest

if [ -n "$id" ]; then
	gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" --silent
	echo "warren: updated comment $id"
else
	gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body" --silent
	echo 'warren: posted the comment'
fi
