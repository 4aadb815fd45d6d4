#pragma once

// A test fixture for the authorizer against the real cairnd: users and ACL bindings are made
// offline with the CLI (`cairn users`, `cairn acl` with --data-dir) before the broker starts with
// SCRAM-SHA-256 required, the authorizer on and User:admin a super user; login() opens a
// connection as one of the users. For binaries that link the client library's internals.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "client/src/connection.h"
#include "tests/support/broker_process.h"
#include "tests/support/process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {

class SecuredBrokerTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "correct horse battery staple";

  // Adds each user (all with kPassword), offline.
  void add_users(const std::vector<std::string>& users) {
    write_file(tmp.path() / "password", std::string(kPassword) + "\n");
    for (const auto& user : users) {
      cairn({"users", "add", user, "--password-file", (tmp.path() / "password").string()});
    }
  }
  // Runs the CLI offline on the broker's data directory; it must succeed.
  void cairn(std::vector<std::string> args) {
    args.insert(args.begin(), cairn_path());
    args.insert(args.end(), {"--data-dir", data_dir()});
    auto r = run_program(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void start_broker() {
    broker = std::make_unique<BrokerProcess>(
        data_dir(),
        std::vector<std::string>{"--kafka-listen", "", "--sasl-mechanisms", "SCRAM-SHA-256",
                                 "--authorizer", "on", "--super-users", "User:admin"});
  }
  std::unique_ptr<client::Connection> login(const std::string& user) {
    auto c = client::Connection::connect(
        {.broker = broker->address(), .sasl = {"SCRAM-SHA-256", user, kPassword}});
    EXPECT_TRUE(c.has_value()) << user << ": " << c.error().to_string();
    return c ? std::move(*c) : nullptr;
  }
  std::string data_dir() const { return (tmp.path() / "data").string(); }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

}  // namespace cairn::testing
