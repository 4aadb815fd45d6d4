#include "tools/cairnd/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_util.h"

namespace cairn::tools {
namespace {

// cairnd's command line over a temp directory, with a config file written on demand.
struct Daemon {
  cairn::testing::TempDir tmp;
  DaemonFlags flags;
  broker::BrokerConfig config;
  DaemonCommandLine command_line{flags, config};

  std::string file(const std::string& text) {
    auto path = tmp.path() / "cairnd.toml";
    std::ofstream(path) << text;
    return path.string();
  }
  // The error parse() and resolve() give `args`, or "" when they accept them.
  std::string error(const std::vector<std::string>& args) {
    try {
      command_line.parse(args);
    } catch (const CLI::ParseError& e) {
      return e.what();
    }
    Status s = command_line.resolve();
    return s.is_ok() ? "" : s.message();
  }
};

TEST(DaemonCommandLine, AnUnknownKeyIsAnErrorNamingTheFileAndTheNearestKey) {
  Daemon d;
  auto path = d.file("data_dir = \"/var/lib/cairn\"\n");
  EXPECT_EQ(d.error({"--config", path}),
            "--config " + path + ": unknown key 'data_dir' (did you mean 'data-dir'?)");
}

TEST(DaemonCommandLine, ASectionIsAnError) {
  Daemon d;
  auto message = d.error({"--config", d.file("[broker]\nlisten = \"127.0.0.1:1\"\n")});
  EXPECT_NE(message.find("section [broker] is not allowed"), std::string::npos) << message;
}

TEST(DaemonCommandLine, AValueThatDoesNotConvertIsAnErrorNamingTheKey) {
  Daemon d;
  auto message = d.error({"--config", d.file("partitions = \"three\"\n")});
  EXPECT_NE(message.find("partitions"), std::string::npos) << message;
  EXPECT_NE(Daemon().error({"--listen", "127.0.0.1:http"}).find("--listen"), std::string::npos);
  EXPECT_NE(Daemon().error({"--fsync", "sometimes"}).find("--fsync"), std::string::npos);
  EXPECT_NE(Daemon().error({"--log-level", "verbose"}).find("--log-level"), std::string::npos);
}

TEST(DaemonCommandLine, AnUnknownFlagSuggestsTheNearestOne) {
  EXPECT_EQ(Daemon().error({"--fsycn", "never"}), "unknown flag --fsycn (did you mean --fsync?)");
  EXPECT_EQ(Daemon().error({"--colour=blue"}), "unknown flag --colour");
}

TEST(DaemonCommandLine, TheLogLevelIgnoresCase) {
  Daemon d;
  EXPECT_EQ(d.error({"--log-level", "WARN"}), "");
  EXPECT_EQ(d.flags.log_level, "warn");
}

TEST(DaemonCommandLine, EveryFlagIsAConfigKeyExceptTheOnesThatAreNotSettings) {
  Daemon d;
  auto keys = d.command_line.keys();
  for (const CLI::Option* option : d.command_line.app().get_options()) {
    const std::string& name = option->get_lnames().front();
    bool setting = std::find(keys.begin(), keys.end(), name) != keys.end();
    bool not_a_setting =
        name == "help" || name == "config" || name == "print-config" || name == "man-page";
    EXPECT_NE(setting, not_a_setting) << name;
  }
  EXPECT_GE(keys.size(), 25u);
}

TEST(DaemonCommandLine, FlagsWinOverTheFileAndPrintConfigNamesEachValuesSource) {
  Daemon d;
  auto path =
      d.file("listen = \"127.0.0.1:7000\"\ndata-dir = \"/srv/cairn\"\nauto-create-topics = true\n");
  ASSERT_EQ(d.error({"--config", path, "--listen=127.0.0.1:8000", "--partitions", "3"}), "");
  EXPECT_EQ(d.config.port, 8000);
  EXPECT_EQ(d.config.data_dir, "/srv/cairn");
  EXPECT_TRUE(d.config.auto_create_topics);
  std::string printed = d.command_line.effective_config();
  EXPECT_NE(printed.find("\nlisten = \"127.0.0.1:8000\"  # flag\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\ndata-dir = \"/srv/cairn\"  # file " + path + "\n"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("\nauto-create-topics = true  # file " + path + "\n"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("\npartitions = 3  # flag\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\nfsync = \"always\"  # default\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\nmax-batch-bytes = 8388608  # default\n"), std::string::npos) << printed;
}

TEST(DaemonCommandLine, ThePrintedConfigurationReadsBackToTheSameSettings) {
  Daemon first;
  ASSERT_EQ(first.error({"--listen", "127.0.0.1:7001", "--fsync", "interval:100", "--retention-ms",
                         "60000", "--auto-create-topics"}),
            "");
  Daemon second;
  ASSERT_EQ(second.error({"--config", second.file(first.command_line.effective_config())}), "");
  EXPECT_EQ(second.config.port, 7001);
  EXPECT_EQ(second.flags.fsync, "interval:100");
  EXPECT_EQ(second.flags.retention_ms, 60000);
  EXPECT_TRUE(second.config.auto_create_topics);
}

TEST(DaemonCommandLine, TheTlsSettingsFillTheSecurityConfigFromFlagsOrTheFile) {
  Daemon d;
  ASSERT_EQ(d.error({"--config", d.file("tls-cert = \"s.pem\"\ntls-key = \"s.key\"\n"),
                     "--tls-client-ca", "ca.pem", "--tls-principal-rules", "DEFAULT"}),
            "");
  const auto& sec = d.config.security;
  EXPECT_EQ(sec.tls_cert, std::filesystem::path("s.pem"));
  EXPECT_EQ(sec.tls_key, std::filesystem::path("s.key"));
  EXPECT_EQ(sec.tls_client_ca, std::filesystem::path("ca.pem"));
  EXPECT_EQ(sec.tls_principal_rules, "DEFAULT");
  EXPECT_TRUE(sec.tls());
}

TEST(DaemonCommandLine, SecuritySettingsThatDoNotGoTogetherAreRefused) {
  EXPECT_EQ(Daemon().error({"--tls-key", "s.key"}), "--tls-cert and --tls-key go together");
  EXPECT_NE(Daemon().error({"--tls-client-ca", "ca.pem"}), "");
  EXPECT_NE(Daemon().error({"--tls-principal-rules", "RULE:("}), "");
  EXPECT_NE(Daemon().error({"--super-users", "User:*"}), "");
  EXPECT_NE(Daemon().error({"--authorizer", "maybe"}), "");
  EXPECT_NE(Daemon().error({"--sasl-mechanisms", "PLAIN"}), "");
  EXPECT_EQ(Daemon().error({"--sasl-mechanisms", "SCRAM-SHA-256"}), "");
  EXPECT_EQ(Daemon().error({"--authorizer", "on", "--super-users", "User:admin"}), "");
  EXPECT_EQ(Daemon().error({"--authorizer", "off", "--sasl-mechanisms", ""}), "");
}

}  // namespace
}  // namespace cairn::tools
