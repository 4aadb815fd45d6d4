// The dependency arrows of DESIGN.md, checked on the sources: protocol <- storage <- broker <-
// tools, protocol <- client <- tools. Every include is resolved as the compiler would find it
// (a quoted one first beside the including file, then from the source root or the client's
// public include directory) and must land in a folder its module may use.
//
// The build enforces the same arrows: each target sees only the include roots of what it links
// (cmake/CairnOptions.cmake), and the layering.* ctests prove that a forbidden include does not
// compile. This test also catches what the compiler cannot: an include relative to the including
// file ("../broker/x.h" reaches the whole tree), a library outside the tree that a module must not
// use (Asio's sockets in storage), and a public client header that reaches into protocol/.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

namespace {

namespace fs = std::filesystem;

struct Rule {
  std::string folder;                        // scanned, relative to the source root
  std::vector<std::string> may_include;      // folders an include may resolve into
  std::vector<std::string> allowed_files;    // single files outside them that may be included
  std::vector<std::string> banned_external;  // prefixes of includes from outside the tree
  // Folders (or single files) inside `may_include` it still may not use.
  std::vector<std::string> banned_folders;
  std::vector<std::string> skipped_folders;  // folders (or files) under `folder` not scanned
  bool headers_only = false;
  bool standard_library_only = false;  // includes from outside the tree: standard headers only
};

Rule protocol_rule() {
  return {
      .folder = "protocol", .may_include = {"protocol"}, .banned_external = {"boost/", "spdlog/"}};
}
Rule storage_rule() {
  return {.folder = "storage",
          .may_include = {"protocol", "storage"},
          .banned_external = {"boost/asio/ip", "boost/asio/ssl", "boost/asio/local",
                              "boost/asio.hpp", "boost/beast"}};
}
// A module's headers are included widely: they keep Boost (and so Asio) out.
Rule headers_of(Rule rule) {
  rule.banned_external = {"boost/"};
  rule.headers_only = true;
  return rule;
}
Rule broker_rule() {
  return {.folder = "broker", .may_include = {"protocol", "storage", "tls", "broker"}};
}
Rule client_rule() { return {.folder = "client", .may_include = {"protocol", "tls", "client"}}; }
// TLS contexts (tls/) sit beside protocol/ at the bottom: Asio's SSL support and the Status
// vocabulary, nothing else of ours.
Rule tls_rule() {
  return {.folder = "tls",
          .may_include = {"protocol", "tls"},
          .banned_folders = {"protocol/kafka", "protocol/sasl"}};
}
// The metrics types are included by the hot paths of broker and storage code alike: they stay free
// of Asio and of the broker's own types.
Rule metrics_rule() {
  return {.folder = "broker/metrics",
          .may_include = {"broker/metrics"},
          .banned_external = {"boost/", "spdlog/"}};
}
// The product API: the public headers include one another, the standard library and, of
// protocol/, only its vocabulary (Status, Result, Timestamp; re-exported by cairn/status.h). No
// wire type reaches an application.
Rule client_public_headers_rule() {
  return {.folder = "client/include",
          .may_include = {"client/include"},
          .allowed_files = {"protocol/status.h", "protocol/types.h"},
          .standard_library_only = true};
}
Rule tools_rule() {
  return {.folder = "tools",
          .may_include = {"protocol", "storage", "tls", "broker", "client", "tools"}};
}
// The metrics benchmark measures broker/metrics, which depends on nothing of the broker; the
// client benchmark measures the producer's accumulator, inside the client library; the
// compression benchmark seals the perf tool's JSON events, from a generator that depends on
// nothing.
Rule bench_rule() {
  return {.folder = "bench",
          .may_include = {"protocol", "storage", "client", "bench", "broker/metrics"},
          .allowed_files = {"tools/cairn/perf/clickstream.h"}};
}

bool is_source(const fs::path& p, bool headers_only) {
  auto ext = p.extension().string();
  bool header = ext == ".h" || ext == ".hpp";
  return header || (!headers_only && (ext == ".cc" || ext == ".cpp"));
}

bool starts_with_folder(const std::string& path, const std::string& folder) {
  return path.rfind(folder + "/", 0) == 0;
}

// `path` is `entry` or lies under it.
bool is_or_under(const std::string& path, const std::string& entry) {
  return path == entry || starts_with_folder(path, entry);
}

// The include's file relative to `root` (generic form, "storage/segment.h"; it may start with
// "../" if a relative include leaves the tree), or nullopt when it is not in the tree.
std::optional<std::string> resolve(const fs::path& root, const fs::path& includer,
                                   const std::string& include, bool quoted) {
  std::vector<fs::path> candidates;
  if (quoted) candidates.push_back(includer.parent_path() / include);
  candidates.push_back(root / include);
  candidates.push_back(root / "client" / "include" / include);
  for (const fs::path& c : candidates) {
    fs::path normal = c.lexically_normal();
    std::error_code ec;
    if (fs::is_regular_file(normal, ec)) return normal.lexically_relative(root).generic_string();
  }
  return std::nullopt;
}

bool is_standard_header(const std::string& include) {
  static const std::regex standard(R"([a-z_0-9]+)");
  return std::regex_match(include, standard);
}

// Every include under `rule.folder` that breaks the rule, and any reason the check could pass
// vacuously (a missing or empty folder, an include it cannot read), one message each.
std::vector<std::string> check(const fs::path& root, const Rule& rule) {
  std::vector<std::string> findings;
  fs::path dir = root / rule.folder;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {rule.folder + "/ is missing: the rule checks nothing"};
  static const std::regex include_line(R"(^\s*#\s*include\b(.*)$)");
  static const std::regex include_target(R"(^\s*([<"])([^>"]+)[>"])");
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || !is_source(entry.path(), rule.headers_only)) continue;
    std::string name = entry.path().lexically_relative(root).generic_string();
    if (std::ranges::any_of(rule.skipped_folders,
                            [&](const std::string& f) { return is_or_under(name, f); })) {
      continue;
    }
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    std::smatch m, t;
    while (std::getline(in, line)) {
      if (!std::regex_search(line, m, include_line)) continue;
      std::string rest = m[1];
      if (!std::regex_search(rest, t, include_target)) {
        findings.push_back(
            std::string(name).append(": an include this test cannot read: ").append(line));
        continue;
      }
      bool quoted = t[1] == "\"";
      std::string include = t[2];
      auto resolved = resolve(root, entry.path(), include, quoted);
      if (resolved) {
        bool allowed = std::ranges::any_of(rule.may_include,
                                           [&](const std::string& folder) {
                                             return starts_with_folder(*resolved, folder);
                                           }) ||
                       std::ranges::find(rule.allowed_files, *resolved) != rule.allowed_files.end();
        allowed = allowed && std::ranges::none_of(rule.banned_folders, [&](const std::string& f) {
                    return is_or_under(*resolved, f);
                  });
        if (!allowed) {
          findings.push_back(std::string(name)
                                 .append(" includes ")
                                 .append(include)
                                 .append(" (")
                                 .append(*resolved)
                                 .append(")"));
        }
        continue;
      }
      for (const auto& prefix : rule.banned_external) {
        if (include.rfind(prefix, 0) == 0) {
          findings.push_back(std::string(name).append(" includes ").append(include));
        }
      }
      if (rule.standard_library_only && !is_standard_header(include)) {
        findings.push_back(std::string(name)
                               .append(" includes ")
                               .append(include)
                               .append(", which is not a standard header"));
      }
    }
  }
  if (files == 0) {
    findings.push_back(rule.folder + "/ has no source files: the rule checks nothing");
  }
  return findings;
}

void expect_clean(const Rule& rule) {
  for (const auto& f : check(CAIRN_SOURCE_DIR, rule)) ADD_FAILURE() << f;
}

TEST(Layering, ProtocolDependsOnNothingOfOurs) { expect_clean(protocol_rule()); }

TEST(Layering, StorageKnowsNothingOfSocketsBrokersOrClients) { expect_clean(storage_rule()); }

TEST(Layering, ProtocolAndStorageHeadersKeepAsioOut) {
  expect_clean(headers_of(protocol_rule()));
  expect_clean(headers_of(storage_rule()));
}

TEST(Layering, BrokerNeverIncludesTheClientOrTools) { expect_clean(broker_rule()); }

TEST(Layering, MetricsIncludeNothingButThemselvesAndTheStandardLibrary) {
  expect_clean(metrics_rule());
}

// The HTTP listener's headers are what the broker's API handlers include: Asio stays in its .cc.
TEST(Layering, HttpHeadersKeepAsioOut) {
  expect_clean(headers_of(
      {.folder = "broker/http", .may_include = {"broker/http", "broker/metrics", "protocol"}}));
}

TEST(Layering, ClientNeverIncludesBrokerOrStorage) { expect_clean(client_rule()); }

TEST(Layering, PublicClientHeadersIncludeOnlyEachOtherTheStandardLibraryAndTheVocabulary) {
  expect_clean(client_public_headers_rule());
}

// Kafka's wire protocol is bytes (protocol/kafka), but only the broker's Kafka front end uses
// it: the rest of protocol/, storage and the client library know nothing of it.
TEST(Layering, OnlyTheBrokerKnowsKafkasProtocol) {
  Rule protocol = protocol_rule();
  protocol.skipped_folders = {"protocol/kafka"};
  protocol.banned_folders = {"protocol/kafka"};
  expect_clean(protocol);
  for (Rule rule : {storage_rule(), client_rule()}) {
    rule.banned_folders = {"protocol/kafka"};
    expect_clean(rule);
  }
}

// Inside the broker the arrows point down: front ends (broker/cairn, broker/kafka) call the
// operations (broker/ops), which reach the services, groups and shards; the transport
// (broker/net) knows no protocol. Nothing includes the Broker hub back but broker.cc, so the
// hub's old include cycles cannot return.
TEST(Layering, InsideTheBrokerNothingIncludesWhatServesIt) {
  Rule operations = broker_rule();
  operations.folder = "broker/ops";
  operations.banned_folders = {"protocol/messages", "protocol/kafka", "protocol/apis.h",
                               "protocol/frame.h",  "broker/cairn",   "broker/kafka",
                               "broker/net",        "broker/broker.h"};
  expect_clean(operations);
  Rule groups = operations;
  groups.folder = "broker/group";
  groups.banned_folders.push_back("broker/ops");
  expect_clean(groups);
  Rule transport = broker_rule();
  transport.folder = "broker/net";
  transport.banned_folders = {"protocol/messages", "protocol/kafka", "protocol/apis.h",
                              "protocol/frame.h",  "broker/cairn",   "broker/kafka",
                              "broker/ops",        "broker/group",   "broker/broker.h"};
  expect_clean(transport);
  // The two front ends know nothing of each other's protocol.
  Rule cairn_front = broker_rule();
  cairn_front.folder = "broker/cairn";
  cairn_front.banned_folders = {"protocol/kafka", "broker/kafka", "broker/broker.h"};
  expect_clean(cairn_front);
  Rule kafka_front = broker_rule();
  kafka_front.folder = "broker/kafka";
  kafka_front.banned_folders = {"protocol/messages", "protocol/apis.h", "protocol/frame.h",
                                "broker/cairn", "broker/broker.h"};
  expect_clean(kafka_front);
  Rule hub = broker_rule();
  hub.skipped_folders = {"broker/broker.cc"};
  hub.banned_folders = {"broker/broker.h"};
  expect_clean(hub);
}

// SASL (protocol/sasl) is bytes too, but computed with libcrypto: only its sources include
// OpenSSL, so that the rest of protocol/ and every includer of its headers stay free of it, and
// storage never sees it.
TEST(Layering, OnlyTheSaslSourcesUseOpenSsl) {
  Rule protocol = protocol_rule();
  protocol.skipped_folders = {"protocol/sasl"};
  protocol.banned_folders = {"protocol/sasl"};
  protocol.banned_external.push_back("openssl/");
  expect_clean(protocol);
  Rule sasl_sources = {.folder = "protocol/sasl",
                       .may_include = {"protocol"},
                       .banned_external = {"boost/", "spdlog/"},
                       .banned_folders = {"protocol/kafka"}};
  expect_clean(sasl_sources);
  Rule sasl_headers = sasl_sources;
  sasl_headers.headers_only = true;
  sasl_headers.banned_external.push_back("openssl/");
  expect_clean(sasl_headers);
  Rule storage = storage_rule();
  storage.banned_folders = {"protocol/sasl"};
  expect_clean(storage);
}

TEST(Layering, TlsUsesNothingButTheProtocolVocabulary) { expect_clean(tls_rule()); }

TEST(Layering, ToolsAndBenchmarksIncludeOnlyWhatSitsBelowThem) {
  expect_clean(tools_rule());
  expect_clean(bench_rule());
}

// --- The checker itself, on a planted tree ------------------------------------------------------

class PlantedTree {
 public:
  void write(const std::string& path, const std::string& text) {
    fs::path p = dir_.path() / path;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::vector<std::string> check(const Rule& rule) const { return ::check(dir_.path(), rule); }

 private:
  cairn::testing::TempDir dir_;
};

bool mentions(const std::vector<std::string>& findings, const std::string& what) {
  return std::ranges::any_of(
      findings, [&](const std::string& f) { return f.find(what) != std::string::npos; });
}

TEST(LayeringCheck, APlantedViolationIsCaughtHoweverItIsSpelled) {
  PlantedTree tree;
  tree.write("broker/broker.h", "#pragma once\n");
  tree.write("storage/segment.h", "#pragma once\n#include \"protocol/status.h\"\n");
  tree.write("protocol/status.h", "#pragma once\n");
  tree.write("storage/segment.cc",
             "#include \"storage/segment.h\"\n"
             "#include \"broker/broker.h\"\n"
             "  #  include <broker/broker.h>\n"
             "#include \"../broker/broker.h\"\n"
             "#include <boost/asio/ip/tcp.hpp>\n"
             "#include <vector>\n");
  tree.write("storage/io/backend.cc",
             "#include \"../segment.h\"\n"
             "#include \"../../broker/broker.h\"\n");
  auto findings = tree.check(storage_rule());
  EXPECT_EQ(findings.size(), 5u) << ::testing::PrintToString(findings);
  EXPECT_TRUE(mentions(findings, "storage/segment.cc includes broker/broker.h"));
  EXPECT_TRUE(
      mentions(findings, "storage/segment.cc includes ../broker/broker.h (broker/broker.h)"));
  EXPECT_TRUE(mentions(findings, "storage/io/backend.cc includes ../../broker/broker.h"));
  EXPECT_TRUE(mentions(findings, "includes boost/asio/ip/tcp.hpp"));
  EXPECT_FALSE(mentions(findings, "../segment.h")) << "a relative include inside storage is fine";
}

TEST(LayeringCheck, ABannedFolderInsideAnAllowedOneIsCaught) {
  PlantedTree tree;
  tree.write("protocol/kafka/wire.h", "#pragma once\n");
  tree.write("protocol/kafka/codec.cc", "#include \"protocol/kafka/wire.h\"\n");
  tree.write("protocol/codec.cc", "#include \"protocol/kafka/wire.h\"\n");
  Rule rule = protocol_rule();
  rule.skipped_folders = {"protocol/kafka"};
  rule.banned_folders = {"protocol/kafka"};
  auto findings = tree.check(rule);
  ASSERT_EQ(findings.size(), 1u) << ::testing::PrintToString(findings);
  EXPECT_TRUE(mentions(findings, "protocol/codec.cc includes protocol/kafka/wire.h"));
}

TEST(LayeringCheck, ABannedOrSkippedFileIsMatchedByItsWholePath) {
  PlantedTree tree;
  tree.write("broker/broker.h", "#pragma once\n");
  tree.write("broker/broker.cc", "#include \"broker/broker.h\"\n");
  tree.write("broker/broker_extra.cc", "#include \"broker/broker.h\"\n");
  tree.write("broker/session.cc", "#include \"broker/broker.h\"\n");
  Rule rule = broker_rule();
  rule.skipped_folders = {"broker/broker.cc"};
  rule.banned_folders = {"broker/broker.h"};
  auto findings = tree.check(rule);
  EXPECT_EQ(findings.size(), 2u) << ::testing::PrintToString(findings);
  EXPECT_TRUE(mentions(findings, "broker/session.cc includes broker/broker.h"));
  EXPECT_TRUE(mentions(findings, "broker/broker_extra.cc includes broker/broker.h"));
}

TEST(LayeringCheck, AMissingModuleFolderFails) {
  PlantedTree tree;
  tree.write("protocol/status.h", "#pragma once\n");
  EXPECT_TRUE(mentions(tree.check(broker_rule()), "broker/ is missing"));
}

TEST(LayeringCheck, AModuleFolderWithoutSourcesFails) {
  PlantedTree tree;
  tree.write("bench/README.md", "# Benchmarks\n");
  EXPECT_TRUE(mentions(tree.check(bench_rule()), "bench/ has no source files"));
}

TEST(LayeringCheck, AnIncludeTheCheckCannotReadFails) {
  PlantedTree tree;
  tree.write("protocol/codec.cc", "#include CAIRN_CODEC_HEADER\n");
  EXPECT_TRUE(mentions(tree.check(protocol_rule()), "cannot read"));
}

TEST(LayeringCheck, APublicClientHeaderMayIncludeOnlyTheListedProtocolHeaders) {
  PlantedTree tree;
  tree.write("protocol/status.h", "#pragma once\n");
  tree.write("protocol/record_batch.h", "#pragma once\n");
  tree.write("client/include/cairn/record.h", "#pragma once\n");
  tree.write("client/include/cairn/producer.h",
             "#include <string>\n"
             "#include \"cairn/record.h\"\n"
             "#include \"protocol/status.h\"\n"
             "#include \"protocol/record_batch.h\"\n"
             "#include <boost/asio/io_context.hpp>\n"
             "#include <xxhash.h>\n");
  auto findings = tree.check(client_public_headers_rule());
  EXPECT_EQ(findings.size(), 3u) << ::testing::PrintToString(findings);
  EXPECT_TRUE(mentions(findings, "includes protocol/record_batch.h"));
  EXPECT_TRUE(mentions(findings, "includes boost/asio/io_context.hpp"));
  EXPECT_TRUE(mentions(findings, "includes xxhash.h"));
}

}  // namespace
