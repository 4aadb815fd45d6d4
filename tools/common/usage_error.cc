#include "tools/common/usage_error.h"

#include "tools/common/did_you_mean.h"

namespace cairn::tools {

namespace {

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  // Named ones only: an option group is a nameless subcommand, and its options are its parent's.
  return app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); });
}

// The flag words a command accepts: its own and those of every command above it (they fall
// through).
std::vector<std::string> flags_for(const CLI::App& command) {
  std::vector<std::string> words;
  for (const CLI::App* app = &command; app; app = app->get_parent()) {
    for (const CLI::Option* o : app->get_options()) {
      for (const auto& l : o->get_lnames()) words.push_back("--" + l);
      for (const auto& s : o->get_snames()) words.push_back("-" + s);
    }
  }
  return words;
}

bool looks_like_flag(const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  return !(std::isdigit(static_cast<unsigned char>(arg[1])) != 0);  // -5 is a value
}

}  // namespace

const CLI::App& deepest_command(const CLI::App& root) {
  const CLI::App* app = &root;
  for (;;) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : app->get_subcommands()) {
      if (!sub->get_name().empty()) next = sub;  // not an option group
    }
    if (!next) return *app;
    app = next;
  }
}

std::string command_path(const CLI::App& command) {
  std::string path = command.get_name();
  for (const CLI::App* app = command.get_parent(); app; app = app->get_parent()) {
    path = app->get_name() + " " + path;
  }
  return path;
}

bool missing_subcommand_only(const CLI::App& root) {
  const CLI::App& deepest = deepest_command(root);
  return root.remaining(true).empty() && !visible_subcommands(deepest).empty();
}

std::string usage_error_message(const CLI::App& root, const CLI::ParseError& error) {
  const CLI::App& deepest = deepest_command(root);
  const std::string where = command_path(deepest);
  const std::string help = "see '" + where + " --help'";
  for (const std::string& arg : root.remaining(true)) {
    if (looks_like_flag(arg)) {
      std::string flag = arg.substr(0, arg.find('='));
      std::string message = "unknown flag " + flag + " for '" + where + "'";
      if (auto near = closest(flag, flags_for(deepest))) return message + " (did you mean " + *near + "?)";
      return message + "; " + help;
    }
  }
  for (const std::string& arg : root.remaining(true)) {
    auto subcommands = visible_subcommands(deepest);
    if (subcommands.empty()) return "unexpected argument '" + arg + "' for '" + where + "'; " + help;
    std::vector<std::string> names;
    for (const CLI::App* s : subcommands) {
      names.push_back(s->get_name());
      for (const auto& a : s->get_aliases()) names.push_back(a);
    }
    std::string message = "unknown command '" + arg + "' for '" + where + "'";
    if (auto near = closest(arg, names)) return message + " (did you mean '" + *near + "'?)";
    std::string known;
    for (const CLI::App* s : subcommands) known += (known.empty() ? "" : ", ") + s->get_name();
    return message + "; the commands are " + known;
  }
  return std::string(error.what()) + "; " + help;
}

}  // namespace cairn::tools
