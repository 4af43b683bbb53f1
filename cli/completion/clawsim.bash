# bash completion for clawsim: commands, subcommands, each command's options, built-in scenario
# and plan names, files where a file goes.
_clawsim() {
  local cur prev words cword
  _init_completion || return
  local commands="scenarios plan scenario validate check-change live fidelity merge schema report gameday"
  if ((cword == 1)); then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --plan | --inventory | --journal | --json | --sarif | --log-file | --html | --junit | --markdown)
      _filedir
      return
      ;;
    --output)
      [[ ${words[2]:-} == measure ]] && _filedir || _filedir -d
      return
      ;;
    --report | --emit-scenario)
      _filedir -d
      return
      ;;
    --only)
      COMPREPLY=($(compgen -W "crash daemon-stop demote drain partition nfs-outage domain-outage" -- "$cur"))
      return
      ;;
    --seed | --runs | --jobs | --depth | --seeds | --top | --drill | --allow | --accept | --then-scenario | --trials | --shard)
      return
      ;;
  esac
  local command=${words[1]} sub=${words[2]:-}
  local options
  case $command in
    scenarios) options="--inventory" ;;
    scenario) options="--plan --seed --runs --jobs --json --verbose --quiet --report --shard" ;;
    validate) options="--plan --seed --jobs --json --verbose --quiet --depth --seeds --top --only --emit-scenario --sarif --static-only --rules --report --shard" ;;
    check-change) options="--plan --seed --json --verbose --quiet --then-scenario" ;;
    report) options="--html --junit --markdown" ;;
    fidelity) options="--plan --seeds --jobs --json --quiet --fit" ;;
    merge) options="--json --quiet --plan --sarif --report --top --only --verbose --emit-scenario" ;;
    live)
      if ((cword == 2)); then
        COMPREPLY=($(compgen -W "status apply drill measure recover" -- "$cur"))
        return
      fi
      case $sub in
        status) options="--inventory --plan" ;;
        apply) options="--inventory --plan --execute --accept --journal --log-file --verbose --quiet" ;;
        drill) options="--inventory --plan --journal --allow --accept --json --dry-run --log-file --verbose --quiet --report" ;;
        measure) options="--inventory --plan --trials --output --journal --allow --accept --log-file --verbose --quiet" ;;
        recover) options="--inventory --journal --log-file --verbose --quiet" ;;
      esac
      ;;
    gameday)
      if ((cword == 2)); then
        COMPREPLY=($(compgen -W "run schedule history" -- "$cur"))
        return
      fi
      case $sub in
        run) options="--simulate --now --report --verbose --quiet" ;;
        schedule) options="--output" ;;
        history) options="--drill --json" ;;
      esac
      ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
    return
  fi
  case $command in
    scenario)
      COMPREPLY=($(compgen -W "$(clawsim scenarios 2>/dev/null | awk '{print $1}')" -- "$cur"))
      _filedir yaml
      ;;
    plan) COMPREPLY=($(compgen -W "default corrected-firewall recommended before-ha" -- "$cur")) ;;
    schema) COMPREPLY=($(compgen -W "plan scenario inventory gameday report change" -- "$cur")) ;;
    live) [[ $sub == drill || $sub == measure ]] && COMPREPLY=($(compgen -W "$(clawsim scenarios 2>/dev/null | awk '{print $1}')" -- "$cur")) && _filedir yaml ;;
    *) _filedir ;;
  esac
} &&
  complete -F _clawsim clawsim
