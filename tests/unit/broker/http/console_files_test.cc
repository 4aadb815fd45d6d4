#include "broker/http/console_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace cairn::broker::http {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ConsoleFilesTest, EveryFileOfTheConsoleIsEmbeddedByteForByte) {
  fs::path root = fs::path(CAIRN_SOURCE_DIR) / "console" / "src";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) on_disk.insert("/" + fs::relative(entry.path(), root).string());
  }
  std::set<std::string> embedded;
  for (const StaticFile& file : console_files()) {
    embedded.insert(std::string(file.path));
    EXPECT_EQ(file.bytes, read(root / std::string(file.path.substr(1)))) << file.path;
  }
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(embedded.contains("/index.html"));
}

TEST(ConsoleFilesTest, EachFileHasTheContentTypeOfItsExtension) {
  for (const StaticFile& file : console_files()) {
    EXPECT_NE(file.content_type, "application/octet-stream") << file.path;
    EXPECT_EQ(file.content_type, content_type_for(file.path));
  }
}

TEST(ConsoleFilesTest, ThePageLoadsNothingFromOutsideTheBroker) {
  for (const StaticFile& file : console_files()) {
    for (std::string_view remote : {"http://", "https://", "//cdn", "@import url("}) {
      std::string_view bytes = file.bytes;
      size_t at = bytes.find(remote);
      // The one absolute URL allowed is the SVG namespace, which is a name, not a fetch.
      while (at != std::string_view::npos) {
        EXPECT_TRUE(bytes.substr(at).starts_with("http://www.w3.org/2000/svg"))
            << file.path << " refers to " << bytes.substr(at, 60);
        at = bytes.find(remote, at + 1);
      }
    }
  }
}

}  // namespace
}  // namespace cairn::broker::http
