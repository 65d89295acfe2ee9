# fish completion for beaver. Load it with: beaver completion fish | source
# or save it as ~/.config/fish/completions/beaver.fish.
#
# The words typed so far go to `beaver __complete`, which walks beaver's own command table and
# answers a candidate a line ("VALUE<TAB>DESCRIPTION"; ":file" for file names), so this script
# knows nothing of beaver's commands and never goes out of date.

function __beaver_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    for line in ($words[1] __complete $words[2..-1] $current 2>/dev/null)
        if test "$line" = ":file"
            __fish_complete_path $current
        else
            printf '%s\n' $line
        end
    end
end

complete -c beaver -f -a '(__beaver_complete)'
