// cairn users add|remove|list: the broker's SCRAM users, in a data directory's security log
// (broker stopped). Passwords come from a file or standard input, never the command line.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "broker/security/offline_security_store.h"
#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_crypto.h"
#include "tools/cairn/common.h"
#include "tools/cairn/offline_store.h"
#include "tools/cairn/security_commands.h"

namespace cairn::tools {

namespace {

namespace sasl = protocol::sasl;
namespace security = broker::security;

struct UsersOptions {
  std::string name;
  std::string password_file;
  std::string data_dir;
  std::vector<std::string> mechanisms = {"SCRAM-SHA-256", "SCRAM-SHA-512"};
  uint32_t iterations = sasl::kDefaultIterations;
};

int code_of(const Status& s) {
  return s.code() == Status::Code::kNotFound ? kExitNotFound : kExitError;
}

// The first line of `path` ("-": standard input), without its line end. One line only, so that
// a stray second line is not silently made part of the password.
std::string read_password(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError(kExitNotFound, "cannot read the password file " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (text.ends_with("\n")) text.pop_back();
  if (text.ends_with("\r")) text.pop_back();
  if (text.find_first_of("\r\n") != std::string::npos) {
    sasl::secure_clear(text);
    throw CliError(kExitUsage, "the password file holds more than one line");
  }
  if (text.empty()) throw CliError(kExitUsage, "the password file is empty");
  return text;
}

void run_add(const UsersOptions& o) {
  Status name_ok = security::validate_username(o.name);
  if (!name_ok.is_ok()) throw CliError(kExitUsage, name_ok.message());
  std::vector<sasl::ScramMechanism> mechanisms;
  for (const auto& name : o.mechanisms) {
    auto m = sasl::parse_scram_mechanism(name);
    if (!m) throw CliError(kExitUsage, "--mechanism: SCRAM-SHA-256 or SCRAM-SHA-512, not " + name);
    mechanisms.push_back(*m);
  }
  std::string password = read_password(o.password_file);
  std::vector<security::SecurityChange> changes;
  for (auto m : mechanisms) {
    auto c = sasl::make_scram_credential(sasl::hash_of(m), password, o.iterations);
    if (!c) {
      sasl::secure_clear(password);
      throw CliError(kExitUsage, c.error().message());
    }
    changes.push_back(security::CredentialChange{o.name, m, std::move(*c)});
  }
  sasl::secure_clear(password);
  auto store = open_offline_store(o.data_dir, DataDir::kMayCreate);
  bool existed = store->state().credentials().contains(o.name);
  Status s = store->append(changes);
  if (!s.is_ok()) throw CliError(code_of(s), s.message());
  close_offline_store(*store);
  std::string names;
  for (auto m : mechanisms) names += (names.empty() ? "" : ", ") + std::string(sasl::mechanism_name(m));
  fmt::print("user {} {}: {} ({} iterations)\n", o.name, existed ? "updated" : "added", names,
             o.iterations);
}

void run_remove(const UsersOptions& o) {
  auto store = open_offline_store(o.data_dir, DataDir::kMustExist);
  std::vector<security::SecurityChange> changes;
  for (auto m : sasl::kScramMechanisms) {
    if (store->state().credentials().find(o.name, m)) {
      changes.push_back(security::CredentialChange{o.name, m, std::nullopt});
    }
  }
  if (changes.empty()) throw CliError(kExitNotFound, "no user " + o.name);
  Status s = store->append(changes);
  if (!s.is_ok()) throw CliError(code_of(s), s.message());
  close_offline_store(*store);
  fmt::print("user {} removed\n", o.name);
}

void run_list(const UsersOptions& o) {
  auto store = open_offline_store(o.data_dir, DataDir::kMustExist);
  for (const auto& [user, mechanisms] : store->state().credentials().users()) {
    std::string names;
    for (auto m : mechanisms) names += (names.empty() ? "" : ",") + std::string(sasl::mechanism_name(m));
    fmt::print("{} {}\n", user, names);
  }
  close_offline_store(*store);
}

CLI::Option* add_data_dir(CLI::App* cmd, std::string& into) {
  return cmd->add_option("--data-dir", into,
                         "The broker's data directory (the broker must be stopped)")
      ->required();
}

}  // namespace

void add_users_command(CLI::App& app) {
  auto* users = app.add_subcommand("users", "SCRAM users of a broker (offline: --data-dir)");
  users->require_subcommand(1);

  auto add_opts = std::make_shared<UsersOptions>();
  auto* add = users->add_subcommand(
      "add", "Add a user, or set its password: stores salted SCRAM verifiers, never the password");
  add->add_option("name", add_opts->name, "User name")->required();
  add->add_option("--password-file", add_opts->password_file,
                  "File whose one line is the password ('-': standard input)")
      ->required();
  add_data_dir(add, add_opts->data_dir);
  add->add_option("--mechanism", add_opts->mechanisms,
                  "SCRAM-SHA-256 and/or SCRAM-SHA-512 (default: both)")
      ->delimiter(',');
  add->add_option("--iterations", add_opts->iterations, "PBKDF2 iterations (4096 to 1000000)")
      ->capture_default_str();
  add->callback([add_opts] { run_add(*add_opts); });

  auto remove_opts = std::make_shared<UsersOptions>();
  auto* remove = users->add_subcommand("remove", "Remove a user's credentials");
  remove->add_option("name", remove_opts->name, "User name")->required();
  add_data_dir(remove, remove_opts->data_dir);
  remove->callback([remove_opts] { run_remove(*remove_opts); });

  auto list_opts = std::make_shared<UsersOptions>();
  auto* list = users->add_subcommand("list", "Users and their mechanisms, one per line");
  add_data_dir(list, list_opts->data_dir);
  list->callback([list_opts] { run_list(*list_opts); });
}

}  // namespace cairn::tools
