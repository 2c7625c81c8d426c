# bash completion for s3top(1). Installed as /usr/share/bash-completion/completions/s3top.
# Dimension and format names come from the program itself (s3top --list ...), so they follow
# its tables; options are listed here and tests/e2e/completions.sh checks them against --help.

_s3top_list() {  # what: dims, log-formats, formats
    "${_s3top_cmd:-s3top}" --list "$1" 2>/dev/null
}

_s3top_months() {  # the last 12 months, newest first
    local i
    for i in {0..11}; do date -u -d "$(date -u +%Y-%m-15) -$i month" +%Y-%m 2>/dev/null; done
}

# Completes the last item of a comma-separated list of dimensions in $cur (of the dashboard's
# panels with "panels": the dimensions and stored).
_s3top_dim_list() {
    local head="" last=$cur
    [[ $cur == *,* ]] && head=${cur%,*}, && last=${cur##*,}
    local d
    COMPREPLY=()
    for d in $(_s3top_list "${1:-dims}"); do
        [[ $d == prefix ]] && d=prefix:
        [[ $d == "$last"* ]] && COMPREPLY+=("$head$d")
    done
    [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
}

# One term of a filter expression: "dim=" (or from=/to=) before the operator, nothing after.
_s3top_filter() {
    local head="" last=$cur
    [[ $cur == *" "* ]] && head=${cur% *}" " && last=${cur##* }
    [[ $last == *[=~]* ]] && return
    local d
    COMPREPLY=()
    for d in $(_s3top_list dims) from to; do
        [[ $d == prefix ]] && d=prefix:1
        [[ $d == "$last"* ]] && COMPREPLY+=("$head$d=")
    done
    compopt -o nospace 2>/dev/null
}

_s3top() {
    local cur prev words cword split
    # -s: "--by=or" completes as "--by or"; -n :  keeps "prefix:2" one word.
    _init_completion -s -n : || return
    local _s3top_cmd=${words[0]}

    local common="-h --help --filter --org-from --org-param --log-format --date-format --time-format --dedupe
        --rejects --workers --state --no-state -f --follow --no-follow -q --quiet --replay --speed --config
        --endpoint-url --profile --cache --cache-prune"
    local billing="--month --from --to --prices --exclude-errors --tier-scope"
    local sub="" w
    for w in "${words[@]:1:cword-1}"; do
        case $w in report|bill|storage) sub=$w; break ;; esac
    done

    case $prev in
        --by|--panels)
            if [[ $sub == storage ]]; then
                mapfile -t COMPREPLY < <(compgen -W "org class bucket prefix:1 prefix:2 prefix:3" -- "${cur##*,}")
            elif [[ $prev == --panels && -z $sub ]]; then
                _s3top_dim_list panels
            else
                _s3top_dim_list
            fi
            __ltrim_colon_completions "$cur"; return ;;
        --filter) _s3top_filter; return ;;
        --log-format) mapfile -t COMPREPLY < <(compgen -W "$(_s3top_list log-formats)" -- "$cur"); return ;;
        --format) mapfile -t COMPREPLY < <(compgen -W "$(_s3top_list formats)" -- "$cur"); return ;;
        --month) mapfile -t COMPREPLY < <(compgen -W "$(_s3top_months)" -- "$cur"); return ;;
        --sort) mapfile -t COMPREPLY < <(compgen -W "bytes requests key" -- "$cur"); return ;;
        --dedupe) mapfile -t COMPREPLY < <(compgen -W "off request-id" -- "$cur"); return ;;
        --tier-scope) mapfile -t COMPREPLY < <(compgen -W "total per_group per_org" -- "$cur"); return ;;
        --org-from|--org-param)
            mapfile -t COMPREPLY < <(compgen -W "org requester prefix:1 prefix:2 access-point ip bucket host" -- "$cur")
            __ltrim_colon_completions "$cur"; return ;;
        --state|--cache) _filedir -d; return ;;
        --profile)
            mapfile -t COMPREPLY < <(compgen -W "$(sed -n 's/^\[\(profile \)\?\([^]]*\)\]$/\2/p' \
                "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" "${AWS_CONFIG_FILE:-$HOME/.aws/config}" \
                2>/dev/null | sort -u)" -- "$cur"); return ;;
        --rejects|-o|--output|--config|--prices|--inventory) _filedir; return ;;
        --date-format|--time-format|--workers|--speed|--top|--every|--from|--to|--endpoint-url|--versioned) return ;;
    esac

    if [[ $cur == -* ]]; then
        local opts
        case $sub in
            report) opts="$common --by --top --sort --format -o --output --exact --panels --every --billing $billing" ;;
            bill) opts="$common $billing --by --format -o --output --no-storage --versioned --inventory" ;;
            storage) opts="$common --month --from --to --by --versioned --inventory --format -o --output --exact" ;;
            *) opts="$common --version --no-color --panels --every" ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi
    [[ $split == true ]] && return
    [[ -z $sub ]] && mapfile -t COMPREPLY < <(compgen -W "report bill ingest schema storage" -- "$cur")
    _filedir  # log files and folders (adds to COMPREPLY)
}
complete -F _s3top s3top
