#include "tools/common/help_export.h"

#include <functional>
#include <set>
#include <sstream>

namespace cairn::tools {

namespace {

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  // Named ones only: an option group is a nameless subcommand, and its options are its parent's.
  return app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); });
}

std::vector<const CLI::Option*> visible_flags(const CLI::App& app) {
  return app.get_options(
      [](const CLI::Option* o) { return o->nonpositional() && !o->get_group().empty(); });
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->get_positional() && !o->nonpositional(); });
}

bool takes_value(const CLI::Option* o) { return o->get_items_expected_max() != 0; }

// Every name a flag answers to: "-b", "--broker".
std::vector<std::string> flag_words(const CLI::Option* o) {
  std::vector<std::string> words;
  for (const auto& s : o->get_snames()) words.push_back("-" + s);
  for (const auto& l : o->get_lnames()) words.push_back("--" + l);
  return words;
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

// Calls `visit` for `app` and each visible subcommand below it, depth first, with the words that
// name it ("cairn", "cairn topics", "cairn topics create").
void walk(const CLI::App& app, const std::string& path,
          const std::function<void(const CLI::App&, const std::string&)>& visit) {
  visit(app, path);
  for (const CLI::App* sub : visible_subcommands(app)) walk(*sub, path + " " + sub->get_name(), visit);
}

// --- roff ---

std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string value_name(const CLI::Option* o) {
  std::string type = o->get_type_name();
  return type.empty() ? "VALUE" : type;
}

void man_flag(std::ostringstream& out, const CLI::Option* o) {
  std::vector<std::string> names;
  for (const auto& w : flag_words(o)) names.push_back("\\fB" + roff(w) + "\\fR");
  out << ".TP\n" << join(names, ", ");
  if (takes_value(o)) out << " \\fI" << roff(value_name(o)) << "\\fR";
  out << "\n" << roff(o->get_description());
  if (!o->get_default_str().empty()) out << " (default: " << roff(o->get_default_str()) << ")";
  out << "\n";
}

std::string synopsis_of(const CLI::App& app, const std::string& path) {
  std::string s = "\\fB" + roff(path) + "\\fR";
  if (!visible_flags(app).empty()) s += " [\\fIflags\\fR]";
  for (const CLI::Option* p : positionals(app)) {
    std::string name = roff(p->get_name(true));
    s += p->get_required() ? " \\fI" + name + "\\fR" : " [\\fI" + name + "\\fR]";
  }
  if (!visible_subcommands(app).empty()) s += " \\fIcommand\\fR";
  return s;
}

// --- shell ---

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The state a completion script needs, gathered once from the tree.
struct CompletionModel {
  struct Command {
    std::string key;                  // "cairn/topics/create"
    std::vector<std::string> names;   // words reaching it from its parent: name and aliases
    std::string parent;               // "cairn/topics"
    std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
    std::vector<std::pair<std::string, std::string>> flags;        // word, description
    std::vector<std::string> positionals;                          // in order
  };
  std::vector<Command> commands;
  std::set<std::string> value_flags;  // every flag word that takes a value, in any command
};

CompletionModel model_of(const CLI::App& root) {
  CompletionModel m;
  std::function<void(const CLI::App&, const std::string&)> add = [&](const CLI::App& app,
                                                                      const std::string& key) {
    CompletionModel::Command c;
    c.key = key;
    c.parent = key.substr(0, key.rfind('/'));
    c.names.push_back(app.get_name());
    for (const auto& a : app.get_aliases()) c.names.push_back(a);
    for (const CLI::App* sub : visible_subcommands(app)) {
      c.subcommands.emplace_back(sub->get_name(), sub->get_description());
    }
    for (const CLI::Option* o : visible_flags(app)) {
      for (const auto& w : flag_words(o)) {
        c.flags.emplace_back(w, o->get_description());
        if (takes_value(o)) m.value_flags.insert(w);
      }
    }
    for (const CLI::Option* p : positionals(app)) c.positionals.push_back(p->get_name(true));
    m.commands.push_back(std::move(c));
    for (const CLI::App* sub : visible_subcommands(app)) add(*sub, key + "/" + sub->get_name());
  };
  add(root, root.get_name());
  return m;
}

// The root's flags are accepted after any subcommand too (they fall through), so every command
// offers them.
std::vector<std::pair<std::string, std::string>> flags_at(const CompletionModel& m,
                                                          const CompletionModel::Command& c) {
  auto flags = c.flags;
  if (&c != &m.commands.front()) {
    for (const auto& f : m.commands.front().flags) {
      if (f.first != "-h" && f.first != "--help" && f.first != "--version") flags.push_back(f);
    }
  }
  return flags;
}

std::vector<std::string> first_words(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::string> words;
  for (const auto& p : pairs) words.push_back(p.first);
  return words;
}

}  // namespace

std::string man_page(const CLI::App& app, const ManPageInfo& info) {
  std::ostringstream out;
  std::string upper;
  for (char c : info.name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out << ".TH " << upper << " " << info.section << " \"\" \"" << roff(info.name + " " + info.version)
      << "\" \"Cairn\"\n";
  std::string description = app.get_description();
  std::string summary = description;
  if (auto colon = summary.find(": "); colon != std::string::npos) summary = summary.substr(colon + 2);
  out << ".SH NAME\n" << roff(info.name) << " \\- " << roff(summary) << "\n";
  out << ".SH SYNOPSIS\n" << synopsis_of(app, info.name) << "\n";
  out << ".SH DESCRIPTION\n" << roff(description) << "\n";
  out << ".SH OPTIONS\n";
  for (const CLI::Option* o : visible_flags(app)) man_flag(out, o);
  if (!visible_subcommands(app).empty()) {
    out << ".SH COMMANDS\n";
    walk(app, info.name, [&](const CLI::App& cmd, const std::string& path) {
      if (&cmd == &app) return;
      out << ".SS " << synopsis_of(cmd, path) << "\n" << roff(cmd.get_description()) << "\n";
      if (!cmd.get_aliases().empty()) {
        out << ".br\nAlso spelled: \\fB" << roff(join(cmd.get_aliases(), ", ")) << "\\fR.\n";
      }
      for (const CLI::Option* p : positionals(cmd)) {
        out << ".TP\n\\fI" << roff(p->get_name(true)) << "\\fR\n" << roff(p->get_description()) << "\n";
      }
      for (const CLI::Option* o : visible_flags(cmd)) {
        if (o->get_lnames() == std::vector<std::string>{"help"}) continue;
        man_flag(out, o);
      }
    });
  }
  for (const auto& [heading, paragraphs] : info.sections) {
    out << ".SH " << roff(heading) << "\n";
    bool first = true;
    for (const auto& paragraph : paragraphs) {
      if (paragraph.rfind("  ", 0) == 0) {
        out << ".PP\n.nf\n" << roff(paragraph) << "\n.fi\n";
      } else {
        out << (first ? "" : ".PP\n") << roff(paragraph) << "\n";
      }
      first = false;
    }
  }
  return out.str();
}

std::string bash_completion(const CLI::App& app, const CompletionHints& hints) {
  CompletionModel m = model_of(app);
  const std::string name = app.get_name();
  const std::string fn = "_" + name + "_complete";
  std::ostringstream out;
  out << "# bash completion for " << name << " (generated from its --help: " << name
      << " completion bash)\n";
  out << fn << "() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "  local cmd=" << name << " i w args=0\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    w=\"${COMP_WORDS[i]}\"\n"
      << "    case \"$w\" in\n";
  if (!m.value_flags.empty()) {
    out << "      " << join({m.value_flags.begin(), m.value_flags.end()}, "|") << ") ((i++)); continue ;;\n";
  }
  out << "      -*) continue ;;\n"
      << "    esac\n"
      << "    case \"$cmd/$w\" in\n";
  for (const auto& c : m.commands) {
    if (c.key == name) continue;
    std::vector<std::string> patterns;
    for (const auto& n : c.names) patterns.push_back(c.parent + "/" + n);
    out << "      " << join(patterns, "|") << ") cmd=" << c.key << "; args=0 ;;\n";
  }
  out << "      *) ((args++)) ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case \"$prev\" in\n";
  for (const auto& [flag, words] : hints.flag_values) {
    out << "    " << flag << ") COMPREPLY=($(compgen -W " << shell_quote(words) << " -- \"$cur\")); return ;;\n";
  }
  if (!m.value_flags.empty()) {
    out << "    " << join({m.value_flags.begin(), m.value_flags.end()}, "|") << ") COMPREPLY=(); return ;;\n";
  }
  out << "  esac\n"
      << "  local commands=\"\" flags=\"\" positional=\"\"\n"
      << "  case \"$cmd\" in\n";
  for (const auto& c : m.commands) {
    out << "    " << c.key << ")";
    out << " commands=" << shell_quote(join(first_words(c.subcommands), " "));
    out << " flags=" << shell_quote(join(first_words(flags_at(m, c)), " "));
    if (!c.positionals.empty()) {
      out << "\n      case $args in\n";
      for (size_t i = 0; i < c.positionals.size(); ++i) {
        out << "        " << i << ") positional=" << shell_quote(c.positionals[i]) << " ;;\n";
      }
      out << "      esac\n     ";
    }
    out << " ;;\n";
  }
  out << "  esac\n"
      << "  if [[ \"$cur\" == -* ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
      << "  elif [[ -n \"$commands\" ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
      << "  else\n"
      << "    case \"$positional\" in\n";
  for (const auto& [positional, command] : hints.positional_values) {
    if (command == "FILE") {
      out << "      " << positional << ") COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n";
    } else {
      out << "      " << positional << ") COMPREPLY=($(compgen -W \"$(" << command
          << " 2>/dev/null)\" -- \"$cur\")) ;;\n";
    }
  }
  out << "    esac\n"
      << "  fi\n"
      << "}\n"
      << "complete -o default -F " << fn << " " << name << "\n";
  return out.str();
}

std::string zsh_completion(const CLI::App& app, const CompletionHints& hints) {
  CompletionModel m = model_of(app);
  const std::string name = app.get_name();
  auto described = [](const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> items;
    for (const auto& [word, description] : pairs) {
      std::string escaped;
      for (char c : word) {
        if (c == ':') escaped += '\\';
        escaped += c;
      }
      items.push_back(shell_quote(escaped + ":" + description));
    }
    return "(" + join(items, " ") + ")";
  };
  std::ostringstream out;
  out << "#compdef " << name << "\n"
      << "# zsh completion for " << name << " (generated from its --help: " << name
      << " completion zsh)\n"
      << "local cmd=" << name << " w prev=${words[CURRENT-1]}\n"
      << "integer i args=0\n"
      << "for ((i = 2; i < CURRENT; i++)); do\n"
      << "  w=${words[i]}\n"
      << "  case $w in\n";
  if (!m.value_flags.empty()) {
    out << "    (" << join({m.value_flags.begin(), m.value_flags.end()}, "|") << ") ((i++)); continue ;;\n";
  }
  out << "    (-*) continue ;;\n"
      << "  esac\n"
      << "  case $cmd/$w in\n";
  for (const auto& c : m.commands) {
    if (c.key == name) continue;
    std::vector<std::string> patterns;
    for (const auto& n : c.names) patterns.push_back(c.parent + "/" + n);
    out << "    (" << join(patterns, "|") << ") cmd=" << c.key << "; args=0 ;;\n";
  }
  out << "    (*) ((args++)) ;;\n"
      << "  esac\n"
      << "done\n"
      << "case $prev in\n";
  for (const auto& [flag, words] : hints.flag_values) {
    out << "  (" << flag << ") compadd -- " << words << "; return ;;\n";
  }
  if (!m.value_flags.empty()) {
    out << "  (" << join({m.value_flags.begin(), m.value_flags.end()}, "|") << ") _message 'value'; return ;;\n";
  }
  out << "esac\n"
      << "local -a commands flags\n"
      << "local positional=''\n"
      << "case $cmd in\n";
  for (const auto& c : m.commands) {
    out << "  (" << c.key << ")\n"
        << "    commands=" << described(c.subcommands) << "\n"
        << "    flags=" << described(flags_at(m, c)) << "\n";
    for (size_t i = 0; i < c.positionals.size(); ++i) {
      out << "    (( args == " << i << " )) && positional=" << shell_quote(c.positionals[i]) << "\n";
    }
    out << "    ;;\n";
  }
  out << "esac\n"
      << "if [[ $PREFIX == -* ]]; then\n"
      << "  _describe -t flags 'flag' flags\n"
      << "elif (( ${#commands} )); then\n"
      << "  _describe -t commands 'command' commands\n"
      << "else\n"
      << "  case $positional in\n";
  for (const auto& [positional, command] : hints.positional_values) {
    if (command == "FILE") {
      out << "    (" << positional << ") _files ;;\n";
    } else {
      out << "    (" << positional << ") compadd -- ${(f)\"$(" << command << " 2>/dev/null)\"} ;;\n";
    }
  }
  out << "  esac\n"
      << "fi\n";
  return out.str();
}

}  // namespace cairn::tools
