#include "protocol/api.h"

#include "protocol/apis.h"

namespace cairn::protocol {

namespace {

template <class... A>
constexpr std::array<ApiVersionRange, sizeof...(A)> versions_of(ApiList<A...>) {
  return {A::kVersions...};
}

template <class... A>
constexpr std::array<std::string_view, sizeof...(A)> names_of(ApiList<A...>) {
  return {A::kName...};
}

constexpr auto kVersions = versions_of(Apis{});
constexpr auto kNames = names_of(Apis{});

}  // namespace

std::span<const ApiVersionRange> supported_apis() { return kVersions; }

const ApiVersionRange* find_api(uint16_t api_key) {
  return api_key < kVersions.size() ? &kVersions[api_key] : nullptr;
}

std::string_view api_name(uint16_t api_key) {
  return api_key < kNames.size() ? kNames[api_key] : "unknown";
}

}  // namespace cairn::protocol
