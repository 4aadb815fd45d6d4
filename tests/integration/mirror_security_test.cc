// `cairn mirror` between two brokers that both require TLS and SASL, each with its own user:
// each end takes its settings from $CAIRN_FROM_* / $CAIRN_TO_* (else the CLI's own $CAIRN_*).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/process.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;

class MirrorSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(tmp_.path() / "pki");
    pki_ = std::make_unique<TestPki>(tmp_.path() / "pki");
  }

  // A broker with TLS, SCRAM and the authorizer, whose one user `user` is its super user.
  std::unique_ptr<BrokerProcess> start_broker(const std::string& name, const std::string& user) {
    auto data = tmp_.path() / name;
    auto password = tmp_.path() / (user + ".pw");
    write_file(password, user + "-secret\n");
    auto added = run_program({cairn_path(), "users", "add", user, "--password-file",
                              password.string(), "--data-dir", data.string()});
    EXPECT_EQ(added.exit_code, 0) << added.err;
    return std::make_unique<BrokerProcess>(
        data, std::vector<std::string>{"--tls-cert", pki_->server.cert.string(), "--tls-key",
                                       pki_->server.key.string(), "--sasl-mechanisms",
                                       "SCRAM-SHA-256", "--authorizer", "on", "--super-users",
                                       "User:" + user, "--kafka-listen", ""});
  }

  // The environment that makes the CLI `user` with the test CA; `prefix` "FROM_", "TO_" or "".
  std::vector<std::string> env_for(const std::string& prefix, const std::string& user) const {
    return {"CAIRN_" + prefix + "TLS_CA=" + pki_->ca.string(), "CAIRN_" + prefix + "USER=" + user,
            "CAIRN_" + prefix + "PASSWORD=" + user + "-secret"};
  }

  RunResult cli(const std::vector<std::string>& args, const std::vector<std::string>& env,
                const std::string& input = "") {
    auto in = tmp_.path() / "stdin";
    auto out = tmp_.path() / "stdout";
    auto err = tmp_.path() / "stderr";
    write_file(in, input);
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" < " + in.string(),
                                     cairn_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child(argv, err, env, out);
    RunResult r;
    r.exit_code = child.wait(60s).value_or(-1);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

  TempDir tmp_;
  std::unique_ptr<TestPki> pki_;
};

TEST_F(MirrorSecurity, TheMirrorLogsInToEachEndWithItsOwnTlsAndSaslSettings) {
  auto source = start_broker("source", "src-admin");
  auto destination = start_broker("destination", "dst-admin");
  auto src_env = env_for("", "src-admin");
  auto dst_env = env_for("", "dst-admin");
  ASSERT_EQ(cli({"--broker", source->address(), "topics", "create", "orders"}, src_env).exit_code,
            0);
  auto produced = cli({"--broker", source->address(), "produce", "orders"}, src_env, "a\nb\nc\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;

  std::vector<std::string> mirror_env = env_for("FROM_", "src-admin");
  for (auto& v : env_for("TO_", "dst-admin")) mirror_env.push_back(v);
  Child mirror({cairn_path(), "mirror", "--from", source->address(), "--to", destination->address(),
                "--topics", "orders", "--status-interval-ms", "200"},
               tmp_.path() / "mirror.stderr", mirror_env);
  std::string copied;
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    auto read = cli({"--broker", destination->address(), "consume", "orders", "-o", "beginning",
                     "-e", "-f", "{value}"},
                    dst_env);
    copied = read.out;
    if (copied == "a\nb\nc\n") break;
  }
  mirror.signal(SIGTERM);
  EXPECT_EQ(mirror.wait(30s), std::optional<int>(0));
  EXPECT_EQ(copied, "a\nb\nc\n") << read_file(tmp_.path() / "mirror.stderr");
}

TEST_F(MirrorSecurity, AMirrorWithTheSourcesCredentialsAtBothEndsIsRefusedByTheDestination) {
  auto source = start_broker("source", "src-admin");
  auto destination = start_broker("destination", "dst-admin");
  ASSERT_EQ(
      cli({"--broker", source->address(), "topics", "create", "orders"}, env_for("", "src-admin"))
          .exit_code,
      0);
  Child mirror({cairn_path(), "mirror", "--from", source->address(), "--to", destination->address(),
                "--topics", "orders", "--status-interval-ms", "200"},
               tmp_.path() / "mirror.stderr", env_for("", "src-admin"));
  std::string said;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    said = read_file(tmp_.path() / "mirror.stderr");
    if (said.find("destination " + destination->address()) != std::string::npos) break;
  }
  mirror.signal(SIGTERM);
  (void)mirror.wait(30s);
  EXPECT_NE(said.find("authentication"), std::string::npos) << said;
}

}  // namespace
}  // namespace cairn::testing
