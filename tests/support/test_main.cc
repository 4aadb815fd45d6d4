// gtest main for Cairn's tests: quiet logs unless CAIRN_TEST_LOG names a level (debug, info...).
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* level = std::getenv("CAIRN_TEST_LOG");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::off);
  return RUN_ALL_TESTS();
}
