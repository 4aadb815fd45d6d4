#pragma once

// What the programs were built from, for --version: the project version and the git commit
// (abbreviated, "-dirty" with uncommitted changes, "unknown" outside a git checkout).

#include <string>
#include <string_view>

namespace cairn::tools {

std::string_view version();
std::string_view git_commit();

// "cairn 0.1.0 (git 5658037c1a2b)".
inline std::string version_line(std::string_view program) {
  return std::string(program) + " " + std::string(version()) + " (git " + std::string(git_commit()) + ")";
}

}  // namespace cairn::tools
