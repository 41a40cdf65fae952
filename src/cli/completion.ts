import type { Command } from 'commander';

/**
 * `perfhound completion bash|zsh`: a shell completion script for every command, subcommand and flag,
 * generated from the program itself (so it cannot miss a command added later).
 *
 * @example
 * // eval "$(perfhound completion bash)" in ~/.bashrc; source <(perfhound completion zsh) in ~/.zshrc
 */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print shell completion for commands and flags')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExamples:\n  eval "$(perfhound completion bash)"     # in ~/.bashrc\n  source <(perfhound completion zsh)      # in ~/.zshrc, after compinit')
    .action(async (shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') {
        const { UserError } = await import('../util/errors.js');
        throw new UserError(`unknown shell "${shell}" (bash or zsh)`, { field: 'shell' });
      }
      const { buildProgram } = await import('./main.js');
      const full = await buildProgram(['node', 'perfhound']);
      process.stdout.write(completionScript(shell, commandWords(full)));
    });
}

/** Command path ('' for the top, 'db', 'db migrate') → the words that may follow it. */
export function commandWords(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (cmd: Command, path: string) => {
    const words = new Set<string>();
    for (const sub of cmd.commands) {
      for (const name of [sub.name(), ...sub.aliases()]) {
        words.add(name);
        walk(sub, path ? `${path} ${name}` : name);
      }
    }
    for (const option of cmd.options) {
      if (option.hidden) continue;
      if (option.long) words.add(option.long);
      if (option.short) words.add(option.short);
    }
    words.add('--help');
    table.set(path, [...words]);
  };
  walk(program, '');
  return table;
}

export function completionScript(shell: 'bash' | 'zsh', table: Map<string, string[]>): string {
  const cases = [...table].map(([path, words]) => `    "${path}") echo "${words.join(' ')}" ;;`).join('\n');
  const wordsFunction = `_perfhound_words() {\n  case "$1" in\n${cases}\n  esac\n}\n`;
  if (shell === 'bash') {
    return `# bash completion of perfhound: eval "$(perfhound completion bash)"
${wordsFunction}
_perfhound() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case " $(_perfhound_words "$cmdpath") " in *" $w "*) cmdpath="\${cmdpath:+$cmdpath }$w" ;; esac
  done
  COMPREPLY=($(compgen -W "$(_perfhound_words "$cmdpath")" -- "$cur"))
}
complete -o default -F _perfhound perfhound
`;
  }
  return `# zsh completion of perfhound: source <(perfhound completion zsh), after compinit
${wordsFunction}
_perfhound() {
  local cmdpath="" w i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    [[ " $(_perfhound_words "$cmdpath") " == *" $w "* ]] && cmdpath="\${cmdpath:+$cmdpath }$w"
  done
  compadd -- \${=$(_perfhound_words "$cmdpath")}
  _files
}
compdef _perfhound perfhound
`;
}
