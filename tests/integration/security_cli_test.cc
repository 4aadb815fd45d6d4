// `cairn users` and `cairn acl` on a data directory with the broker stopped: what they write
// survives a cairnd opening and closing that directory, and they refuse to run beside one.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

RunResult cairn(std::vector<std::string> args,
                const std::optional<std::filesystem::path>& stdin_file = std::nullopt) {
  args.insert(args.begin(), cairn_path());
  return run_program(args, stdin_file, std::chrono::seconds(60));
}

class SecurityCli : public ::testing::Test {
 protected:
  void SetUp() override { write_file(password_file(), "correct horse battery staple\n"); }
  std::filesystem::path password_file() const { return tmp_.path() / "password"; }
  std::string data_dir() const { return (tmp_.path() / "data").string(); }

  TempDir tmp_;
};

TEST_F(SecurityCli, UsersAndBindingsWrittenOfflineSurviveABrokerStartAndStop) {
  auto added = cairn({"users", "add", "alice", "--password-file", password_file().string(),
                      "--data-dir", data_dir()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "user alice added: SCRAM-SHA-256, SCRAM-SHA-512 (8192 iterations)\n");
  auto granted = cairn({"acl", "add", "--principal", "User:alice", "--operation", "read,write",
                        "--topic", "orders", "--data-dir", data_dir()});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;

  {
    BrokerProcess broker(data_dir());
    auto refused = cairn({"users", "add", "bob", "--password-file", password_file().string(),
                          "--data-dir", data_dir()});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("in use by a running cairnd"), std::string::npos) << refused.err;
    EXPECT_EQ(broker.stop(), 0);
  }

  auto users = cairn({"users", "list", "--data-dir", data_dir()});
  EXPECT_EQ(users.out, "alice SCRAM-SHA-256,SCRAM-SHA-512\n") << users.err;
  auto bindings = cairn({"acl", "list", "--topic", "orders", "--data-dir", data_dir()});
  EXPECT_EQ(bindings.out,
            "allow User:alice read topic orders (literal)\n"
            "allow User:alice write topic orders (literal)\n")
      << bindings.err;
}

TEST_F(SecurityCli, NoFileInTheDataDirectoryHoldsThePassword) {
  auto added = cairn({"users", "add", "alice", "--password-file", "-", "--data-dir", data_dir()},
                     password_file());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("correct horse"), std::string::npos) << entry.path();
  }
}

TEST_F(SecurityCli, RemovingWhatIsNotThereSaysSoWithExitCode4) {
  auto missing = cairn({"users", "list", "--data-dir", data_dir()});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("no data directory"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir())) << "listing must not create it";
  ASSERT_EQ(cairn({"acl", "add", "--principal", "User:a", "--operation", "read", "--group", "h",
                   "--data-dir", data_dir()}).exit_code, 0);
  auto user = cairn({"users", "remove", "nobody", "--data-dir", data_dir()});
  EXPECT_EQ(user.exit_code, 4);
  EXPECT_NE(user.err.find("no user nobody"), std::string::npos) << user.err;
  auto binding = cairn({"acl", "remove", "--principal", "User:a", "--operation", "read",
                        "--group", "g", "--data-dir", data_dir()});
  EXPECT_EQ(binding.exit_code, 4) << binding.err;
}

TEST_F(SecurityCli, MalformedArgumentsAreUsageErrorsThatWriteNothing) {
  const std::vector<std::vector<std::string>> bad = {
      {"acl", "add", "--principal", "alice", "--operation", "read", "--topic", "t"},
      {"acl", "add", "--principal", "User:a", "--operation", "fly", "--topic", "t"},
      {"acl", "add", "--principal", "User:a", "--operation", "read", "--topic", "t", "--group", "g"},
      {"acl", "add", "--principal", "User:a", "--operation", "read", "--cluster"},
      {"acl", "add", "--principal", "User:a", "--operation", "read"},
      {"users", "add", "alice", "--password-file", password_file().string(), "--iterations", "1000"},
      {"users", "add", "alice", "--password-file", password_file().string(), "--mechanism",
       "SCRAM-SHA-1"},
  };
  for (auto args : bad) {
    args.insert(args.end(), {"--data-dir", data_dir()});
    auto r = cairn(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
  }
  write_file(password_file(), "two\nlines\n");
  auto two_lines = cairn({"users", "add", "alice", "--password-file", password_file().string(),
                          "--data-dir", data_dir()});
  EXPECT_EQ(two_lines.exit_code, 2) << two_lines.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir())) << "nothing may be written";
}

}  // namespace
}  // namespace cairn::testing
