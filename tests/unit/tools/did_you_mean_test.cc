#include "tools/common/did_you_mean.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

TEST(DidYouMean, ASwapOfNeighboursIsOneEdit) {
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);
  EXPECT_EQ(edit_distance("fsycn", "fsync"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(DidYouMean, ATypoSuggestsTheNearestName) {
  std::vector<std::string> commands = {"create", "list", "describe", "delete"};
  EXPECT_EQ(closest("lsit", commands), "list");
  EXPECT_EQ(closest("delte", commands), "delete");
  EXPECT_EQ(closest("--cout", {"--count", "--offset", "--format"}), "--count");
  EXPECT_EQ(closest("data_dir", {"listen", "data-dir"}), "data-dir");
}

TEST(DidYouMean, AnAbbreviationOfExactlyOneNameSuggestsIt) {
  std::vector<std::string> commands = {"create", "list", "describe", "delete"};
  EXPECT_EQ(closest("desc", commands), "describe");
  EXPECT_EQ(closest("de", commands), std::nullopt);  // describe or delete
}

TEST(DidYouMean, NothingNearSuggestsNothing) {
  EXPECT_EQ(closest("colour", {"listen", "data-dir", "fsync"}), std::nullopt);
  EXPECT_EQ(closest("ab", {"cd", "xy"}), std::nullopt);  // two edits are too many for two letters
  EXPECT_EQ(closest("", {"a"}), std::nullopt);
}

}  // namespace
}  // namespace cairn::tools
