// PROTOCOL.md's error table and the code's table are the same table: every row's number, name,
// retriable flag and meaning, in both directions.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/error_code.h"

namespace cairn::protocol {
namespace {

struct SpecRow {
  std::string name;
  std::string retriable;  // "yes", "no" or empty (NONE)
  std::string meaning;
};

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Markdown code spans (`x`) read as their text.
std::string without_backticks(std::string s) {
  std::erase(s, '`');
  return s;
}

// The rows of the table under "## Error codes", by code.
std::map<int, SpecRow> spec_error_table() {
  std::ifstream in(std::string(CAIRN_SOURCE_DIR) + "/protocol/PROTOCOL.md");
  EXPECT_TRUE(in) << "cannot open PROTOCOL.md";
  std::map<int, SpecRow> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Error codes";
    if (!in_section || line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cut(line.substr(1));
    std::string cell;
    while (std::getline(cut, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() < 4 || cells[0].empty() || !std::isdigit(static_cast<unsigned char>(cells[0][0]))) {
      continue;  // the header and separator rows
    }
    rows[std::stoi(cells[0])] = SpecRow{cells[1], cells[2], without_backticks(cells[3])};
  }
  return rows;
}

TEST(ErrorTable, TheSpecAndTheCodeListTheSameCodes) {
  auto spec = spec_error_table();
  ASSERT_FALSE(spec.empty());
  EXPECT_EQ(spec.size(), error_table().size());
  for (const auto& info : error_table()) {
    int code = static_cast<int>(info.code);
    auto it = spec.find(code);
    ASSERT_NE(it, spec.end()) << "code " << code << " (" << info.name << ") is not in PROTOCOL.md";
    const SpecRow& row = it->second;
    EXPECT_EQ(row.name, info.name) << "code " << code;
    std::string retriable = info.code == ErrorCode::kNone ? "" : (info.retriable ? "yes" : "no");
    EXPECT_EQ(row.retriable, retriable) << info.name;
    EXPECT_EQ(row.meaning, info.text) << info.name;
  }
}

TEST(ErrorTable, OnlyAChecksumMismatchIsRetriableAmongTheRecordErrors) {
  EXPECT_TRUE(is_retriable(ErrorCode::kCorruptMessage));
  EXPECT_FALSE(is_retriable(ErrorCode::kInvalidRecord));
  EXPECT_FALSE(is_retriable(ErrorCode::kMessageTooLarge));
}

}  // namespace
}  // namespace cairn::protocol
