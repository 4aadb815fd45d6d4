// The dependency arrows of DESIGN.md, checked on the sources: protocol <- storage <- broker <-
// tools, protocol <- client <- tools. A module that includes what it may not fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

struct Violation {
  std::string file;
  std::string include;
};

std::vector<Violation> find(const std::string& module, const std::vector<std::string>& banned,
                            bool headers_only = false, const std::string& skip = "") {
  std::vector<Violation> out;
  std::filesystem::path root = std::filesystem::path(CAIRN_SOURCE_DIR) / module;
  if (!std::filesystem::exists(root)) return out;
  static const std::regex include_re(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    auto ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cc" && ext != ".hpp" && ext != ".cpp") continue;
    if (headers_only && ext != ".h" && ext != ".hpp") continue;
    if (!skip.empty() && entry.path().string().find(skip) != std::string::npos) continue;
    std::ifstream in(entry.path());
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
      if (!std::regex_search(line, m, include_re)) continue;
      std::string inc = m[1];
      for (const auto& prefix : banned) {
        if (inc.rfind(prefix, 0) == 0) out.push_back({entry.path().string(), inc});
      }
    }
  }
  return out;
}

void expect_none(const std::vector<Violation>& v) {
  for (const auto& x : v) ADD_FAILURE() << x.file << " includes " << x.include;
}

TEST(Layering, ProtocolDependsOnNothingOfOurs) {
  expect_none(find("protocol", {"storage/", "broker/", "client/", "tools/", "boost/", "spdlog/"}));
}

// protocol/kafka is held to protocol's rules (above, by the same scan) and sits on top of it:
// protocol itself does not know Kafka, and neither do storage and the client library; only the
// broker's Kafka front end does.
TEST(Layering, OnlyTheBrokerKnowsKafkasProtocol) {
  expect_none(find("protocol", {"protocol/kafka/"}, false, "/protocol/kafka/"));
  expect_none(find("storage", {"protocol/kafka/"}));
  expect_none(find("client", {"protocol/kafka/"}));
}

TEST(Layering, StorageKnowsNothingOfSocketsBrokersOrClients) {
  expect_none(find("storage", {"broker/", "client/", "tools/", "boost/asio/ip", "boost/asio/ssl",
                               "boost/beast", "boost/asio/local", "boost/asio.hpp"}));
}

TEST(Layering, ProtocolAndStorageHeadersKeepAsioOut) {
  expect_none(find("protocol", {"boost/"}, true));
  expect_none(find("storage", {"boost/"}, true));
}

TEST(Layering, ClientNeverIncludesBrokerOrStorage) {
  expect_none(find("client", {"broker/", "storage/", "tools/"}));
}

TEST(Layering, BrokerNeverIncludesTheClientOrTools) {
  expect_none(find("broker", {"client/", "tools/"}));
}

}  // namespace
