// cairn users add|remove|list: the broker's SCRAM users, through the running broker's
// management APIs, or with --data-dir in a stopped broker's security log. Passwords come from a
// file or standard input, never the command line; only salted forms leave this process.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "broker/security/offline_security_store.h"
#include "protocol/messages/security_admin.h"
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

void add_online(const GlobalOptions& global, const UsersOptions& o,
                const std::vector<sasl::ScramMechanism>& mechanisms, std::string& password) {
  protocol::AlterUserScramCredentialsRequest req;
  for (auto m : mechanisms) {
    auto salt = sasl::random_bytes(sasl::kSaltBytes);
    if (!salt) throw CliError(kExitError, salt.error().message());
    auto salted = sasl::salted_password(sasl::hash_of(m), password, *salt, o.iterations);
    if (!salted) {
      sasl::secure_clear(password);
      throw CliError(kExitUsage, salted.error().message());
    }
    req.upsertions.push_back({o.name, static_cast<int8_t>(m), static_cast<int32_t>(o.iterations),
                              std::move(*salt), std::move(*salted)});
  }
  sasl::secure_clear(password);
  auto conn = connect(global);
  auto reply = check(conn->call<protocol::AlterUserScramCredentialsRequest,
                                protocol::AlterUserScramCredentialsResponse>(
                         protocol::ApiKey::kAlterUserScramCredentials, req),
                     "users add");
  for (auto& u : req.upsertions) sasl::secure_clear(u.salted_password);
  for (const auto& r : reply->results) {
    if (r.error != protocol::ErrorCode::kNone) {
      throw CliError(kExitError, "user " + r.user + ": " +
                                     std::string(protocol::error_name(r.error)) + ": " + r.message);
    }
  }
}

void run_add(const GlobalOptions& global, const UsersOptions& o) {
  Status name_ok = security::validate_username(o.name);
  if (!name_ok.is_ok()) throw CliError(kExitUsage, name_ok.message());
  std::vector<sasl::ScramMechanism> mechanisms;
  for (const auto& name : o.mechanisms) {
    auto m = sasl::parse_scram_mechanism(name);
    if (!m) throw CliError(kExitUsage, "--mechanism: SCRAM-SHA-256 or SCRAM-SHA-512, not " + name);
    mechanisms.push_back(*m);
  }
  std::string password = read_password(o.password_file);
  if (o.data_dir.empty()) {
    add_online(global, o, mechanisms, password);
    std::string names;
    for (auto m : mechanisms) {
      names += (names.empty() ? "" : ", ") + std::string(sasl::mechanism_name(m));
    }
    fmt::print("user {} set: {} ({} iterations)\n", o.name, names, o.iterations);
    return;
  }
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
  for (auto m : mechanisms)
    names += (names.empty() ? "" : ", ") + std::string(sasl::mechanism_name(m));
  fmt::print("user {} {}: {} ({} iterations)\n", o.name, existed ? "updated" : "added", names,
             o.iterations);
}

// The running broker's users and their mechanisms (with iterations), by name.
protocol::DescribeUserScramCredentialsResponse describe_online(client::Connection& conn,
                                                               std::vector<std::string> users) {
  protocol::DescribeUserScramCredentialsRequest req{std::move(users)};
  auto reply = check(conn.call<protocol::DescribeUserScramCredentialsRequest,
                               protocol::DescribeUserScramCredentialsResponse>(
                         protocol::ApiKey::kDescribeUserScramCredentials, req),
                     "users");
  return std::move(reply.body);
}

void run_remove(const GlobalOptions& global, const UsersOptions& o) {
  if (o.data_dir.empty()) {
    auto conn = connect(global);
    auto described = describe_online(*conn, {o.name});
    protocol::AlterUserScramCredentialsRequest req;
    for (const auto& u : described.users) {
      for (const auto& c : u.credentials) req.deletions.push_back({o.name, c.mechanism});
    }
    if (req.deletions.empty()) throw CliError(kExitNotFound, "no user " + o.name);
    auto reply = check(conn->call<protocol::AlterUserScramCredentialsRequest,
                                  protocol::AlterUserScramCredentialsResponse>(
                           protocol::ApiKey::kAlterUserScramCredentials, req),
                       "users remove");
    for (const auto& r : reply->results) {
      if (r.error != protocol::ErrorCode::kNone) throw CliError(kExitError, r.message);
    }
    fmt::print("user {} removed\n", o.name);
    return;
  }
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

void run_list(const GlobalOptions& global, const UsersOptions& o) {
  if (o.data_dir.empty()) {
    auto conn = connect(global);
    for (const auto& u : describe_online(*conn, {}).users) {
      std::string names;
      for (const auto& c : u.credentials) {
        auto m = sasl::scram_mechanism_from_code(static_cast<uint8_t>(c.mechanism));
        if (m) names += (names.empty() ? "" : ",") + std::string(sasl::mechanism_name(*m));
      }
      fmt::print("{} {}\n", u.user, names);
    }
    return;
  }
  auto store = open_offline_store(o.data_dir, DataDir::kMustExist);
  for (const auto& [user, mechanisms] : store->state().credentials().users()) {
    std::string names;
    for (auto m : mechanisms)
      names += (names.empty() ? "" : ",") + std::string(sasl::mechanism_name(m));
    fmt::print("{} {}\n", user, names);
  }
  close_offline_store(*store);
}

CLI::Option* add_data_dir(CLI::App* cmd, std::string& into) {
  return cmd->add_option("--data-dir", into,
                         "Edit this stopped broker's data directory instead of asking the broker");
}

}  // namespace

void add_users_command(CLI::App& app, const GlobalOptions& global) {
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
  add->callback([&global, add_opts] { run_add(global, *add_opts); });

  auto remove_opts = std::make_shared<UsersOptions>();
  auto* remove = users->add_subcommand("remove", "Remove a user's credentials");
  remove->add_option("name", remove_opts->name, "User name")->required();
  add_data_dir(remove, remove_opts->data_dir);
  remove->callback([&global, remove_opts] { run_remove(global, *remove_opts); });

  auto list_opts = std::make_shared<UsersOptions>();
  auto* list = users->add_subcommand("list", "Users and their mechanisms, one per line");
  add_data_dir(list, list_opts->data_dir);
  list->callback([&global, list_opts] { run_list(global, *list_opts); });
}

}  // namespace cairn::tools
