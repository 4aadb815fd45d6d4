#pragma once

// Suggestions for a mistyped name (a command, a flag, a config key), shared by cairn and cairnd.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::tools {

// Edits (insertions, deletions, substitutions, swaps of neighbours) between two names.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` if it is near enough to be a likely typo: within two edits
// (one for names of up to three characters), or a candidate that `name` is a prefix of
// ("desc" for "describe"). Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace cairn::tools
