# fish completion for s3top(1). Installed as /usr/share/fish/vendor_completions.d/s3top.fish.
# Dimension and format names come from the program itself (s3top --list ...); options are
# listed here and tests/e2e/completions.sh checks them against --help.

function __s3top_list -a what
    set -l cmd (commandline -opc)[1]
    command $cmd --list $what 2>/dev/null
end

function __s3top_dims -a what  # the last item of a comma-separated list (of dims, or panels)
    test -n "$what"; or set what dims
    set -l tok (commandline -ct)
    set -l head (string replace -r '[^,]*$' '' -- $tok)
    for d in (__s3top_list $what)
        test $d = prefix; and set d prefix:1
        echo $head$d
    end
end

function __s3top_filter  # dim= of the term being typed
    set -l tok (commandline -ct)
    set -l head (string replace -r '[^ ]*$' '' -- $tok)
    for d in (__s3top_list dims) from to
        test $d = prefix; and set d prefix:1
        echo $head$d=
    end
end

function __s3top_months
    for i in (seq 0 11)
        date -u -d (date -u +%Y-%m-15)" -$i month" +%Y-%m 2>/dev/null
    end
end

set -l subs report bill ingest schema storage
set -l in_storage '__fish_seen_subcommand_from storage'
set -l in_report '__fish_seen_subcommand_from report'
set -l in_bill '__fish_seen_subcommand_from bill'
set -l in_billing '__fish_seen_subcommand_from report bill'
set -l top "not __fish_seen_subcommand_from $subs"

complete -c s3top -f -n $top -a report -d 'Print a usage report'
complete -c s3top -f -n $top -a bill -d 'Print a billing statement per org'
complete -c s3top -f -n $top -a ingest -d 'Send the records to ClickHouse exactly once'
complete -c s3top -x -n '__fish_seen_subcommand_from ingest' -l to -d 'clickhouse://HOST:PORT/DB?table=NAME'
complete -c s3top -x -n '__fish_seen_subcommand_from ingest' -l shard -d 'K/N: this machine\'s share of the files'
complete -c s3top -f -n $top -a schema -d 'Print the DDL of the ClickHouse table'
complete -c s3top -f -n '__fish_seen_subcommand_from schema' -a clickhouse
complete -c s3top -f -n $top -a storage -d 'Print the bytes stored per org'
complete -c s3top -F  # log files and folders

# every command
complete -c s3top -s h -l help -d 'Print the options and exit'
complete -c s3top -x -l filter -a '(__s3top_filter)' -d 'Filter expression'
complete -c s3top -x -l org-from -l org-param -a 'org requester prefix:1 prefix:2 access-point ip bucket host' -d 'Where the org comes from'
complete -c s3top -x -l log-format -a '(__s3top_list log-formats)' -d 'Log format'
complete -c s3top -x -l date-format -d 'GoAccess date format'
complete -c s3top -x -l time-format -d 'GoAccess time format'
complete -c s3top -x -l dedupe -a 'off request-id' -d 'Drop records delivered twice'
complete -c s3top -r -F -l rejects -d 'Write rejected lines to FILE'
complete -c s3top -x -l workers -d 'Parse threads'
complete -c s3top -x -l state -a '(__fish_complete_directories)' -d 'State folder'
complete -c s3top -l no-state -d 'Remember nothing between runs'
complete -c s3top -s f -l follow -d 'Keep watching the inputs'
complete -c s3top -l no-follow -d 'Read the inputs once'
complete -c s3top -s q -l quiet -d 'No progress line on stderr'
complete -c s3top -l replay -d 'Play the records back in timestamp order'
complete -c s3top -x -l speed -d 'Replay speed (log seconds per second)'
complete -c s3top -r -F -l config -d 'Config file'
complete -c s3top -x -l endpoint-url -d 'S3-compatible endpoint for s3:// paths'
complete -c s3top -x -l profile -a '(cat $HOME/.aws/credentials $HOME/.aws/config 2>/dev/null | string replace -rf "^\[(?:profile )?([^]]+)\]\$" "\$1" | sort -u)' -d 'AWS profile for s3:// paths'
complete -c s3top -x -l cache -a '(__fish_complete_directories)' -d 'Keep the s3:// objects in DIR'
complete -c s3top -l cache-prune -d 'Delete cached s3:// objects already counted'

# the dashboard
complete -c s3top -n $top -l version -d 'Print the version, commit and libraries'
complete -c s3top -n $top -l no-color -d 'No colors'
complete -c s3top -n $top -x -l panels -a '(__s3top_dims panels)' -d 'Dashboard panels in order'
complete -c s3top -n $top -x -l every -d 'How often an s3:// path is listed or a clickhouse:// path polled'

# report and bill
complete -c s3top -n $in_billing -x -l by -a '(__s3top_dims)' -d 'Group by dimensions'
complete -c s3top -n $in_billing -x -l format -a '(__s3top_list formats)' -d 'Output format'
complete -c s3top -n $in_billing -r -F -s o -l output -d 'Write to FILE atomically'
complete -c s3top -n $in_billing -x -l month -a '(__s3top_months)' -d 'Bill one calendar month, UTC'
complete -c s3top -n $in_billing -x -l from -d 'Bill from this time on, UTC'
complete -c s3top -n $in_billing -x -l to -d 'Bill up to this time, exclusive, UTC'
complete -c s3top -n $in_billing -r -F -l prices -d 'Price table file'
complete -c s3top -n $in_billing -l exclude-errors -d 'Do not bill 4xx and 5xx responses'
complete -c s3top -n $in_bill -l no-storage -d 'No storage line: requests and transfer only'
complete -c s3top -n $in_billing -x -l tier-scope -a 'total per_group per_org' -d 'What egress tiers apply to'
complete -c s3top -n $in_report -x -l top -d 'Only the N largest groups'
complete -c s3top -n $in_report -x -l sort -a 'bytes requests key' -d 'Sort by'
complete -c s3top -n $in_report -l exact -d 'Exact integers in the table'
complete -c s3top -n $in_report -x -l panels -a '(__s3top_dims)' -d 'HTML: the panels beside the table'
complete -c s3top -n $in_report -x -l every -d 'Report interval with --follow or --replay'
complete -c s3top -n $in_report -l billing -d 'A billing statement instead'

# storage
complete -c s3top -n $in_storage -x -l month -a '(__s3top_months)' -d 'One calendar month, UTC'
complete -c s3top -n $in_storage -x -l from -d 'From this time on, UTC'
complete -c s3top -n $in_storage -x -l to -d 'Up to this time, exclusive, UTC'
complete -c s3top -n $in_storage -x -l by -a 'org class bucket prefix:1 prefix:2' -d 'Group by'
complete -c s3top -n $in_storage -x -l format -a 'table csv json' -d 'Output format'
complete -c s3top -n $in_storage -r -F -s o -l output -d 'Write to FILE atomically'
complete -c s3top -n $in_storage -x -l versioned -d 'Buckets with versioning on'
complete -c s3top -n $in_storage -l exact -d 'Exact byte counts'
complete -c s3top -n $in_storage -r -F -l inventory -d 'S3 Inventory manifest.json or synced folder'
