#!/bin/sh
# A man page (roff with the man(7) macros) made from a program's own help text, so the page
# names every option the program knows. Run at build time, after the program is built.
#
#   make_manpage.sh OUT PROGRAM NAME VERSION SUMMARY DESCRIPTION SEE_ALSO [TITLE ARGS]...
#
# `PROGRAM --help` gives SYNOPSIS (the "Usage:" lines and the lines after them that go on
# naming the program), OPTIONS (the rest, as the program aligns it) and EXIT STATUS (a line
# starting with "Exit status:"). Each TITLE ARGS pair adds a section TITLE holding the output of
# `PROGRAM ARGS` (ARGS split on spaces), e.g. "COMMAND: info" "help info": a TITLE starting with
# "COMMAND: " becomes a subsection of COMMANDS. The page is written to OUT.tmp, then renamed.
set -eu
out=$1 program=$2 name=$3 version=$4 summary=$5 description=$6 see_also=$7
shift 7
tmp=$out.tmp

# Help text as roff lines that print as they are: backslashes and hyphens escaped, a leading
# '.' or "'" kept from being read as a request.
roff() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

# Lines in no-fill mode, so the help text's columns stay aligned.
verbatim() {
    printf '.PP\n.nf\n'
    roff
    printf '.fi\n'
}

help=$("$program" --help)
# Splits the help text; part is synopsis, options or exit.
part() {
    printf '%s\n' "$help" | awk -v want="$1" -v prog="$name" '
        BEGIN { state = "start" }
        state == "start" && /^Usage:/ {
            sub(/^Usage: */, ""); state = "synopsis"
            if ($0 != "" && want == "synopsis") print
            next
        }
        state == "synopsis" {
            if (index($0, "  " prog " ") == 1 || $0 ~ /^        +[^ ]/) {
                if (want == "synopsis") { sub(/^  /, ""); print }
                next
            }
            state = "options"
        }
        state == "options" && /^Exit status:/ { state = "exit" }
        state == want { print }
    '
}

{
    upper=$(printf '%s' "$name" | tr 'a-z' 'A-Z')
    printf '.TH %s 1 "" "QuantScope %s" "User Commands"\n' "$upper" "$version"
    printf '.nh\n.ad l\n'
    printf '.SH NAME\n%s \\- %s\n' "$(printf '%s' "$name" | roff)" "$(printf '%s' "$summary" | roff)"
    printf '.SH SYNOPSIS\n'
    part synopsis | verbatim
    printf '.SH DESCRIPTION\n%s\n' "$(printf '%s' "$description" | roff)"
    printf '.SH OPTIONS\n'
    part options | sed -e '/./,$!d' | verbatim
    commands=no
    while [ $# -ge 2 ]; do
        title=$1 args=$2
        shift 2
        case $title in
        "COMMAND: "*)
            [ $commands = yes ] || printf '.SH COMMANDS\n'
            commands=yes
            printf '.SS %s\n' "$(printf '%s' "${title#COMMAND: }" | roff)"
            ;;
        *) printf '.SH %s\n' "$(printf '%s' "$title" | roff)" ;;
        esac
        # shellcheck disable=SC2086 # ARGS is a list of words
        "$program" $args | verbatim
    done
    exit_status=$(part exit)
    if [ -n "$exit_status" ]; then
        printf '.SH EXIT STATUS\n'
        printf '%s\n' "$exit_status" | sed -e 's/^Exit status: *//' | roff
    fi
    printf '.SH SEE ALSO\n%s\n' "$(printf '%s' "$see_also" | roff)"
} >"$tmp"
mv "$tmp" "$out"
