#include "protocol/kafka/api.h"

namespace cairn::protocol::kafka {

const ApiSpec* find_api(int16_t api_key) {
  for (const ApiSpec* api : kApis) {
    if (static_cast<int16_t>(api->key) == api_key) return api;
  }
  return nullptr;
}

int request_header_version(const ApiSpec& api, int16_t version) {
  return api.is_flexible(version) ? 2 : 1;
}

int response_header_version(const ApiSpec& api, int16_t version) {
  if (api.key == ApiKey::kApiVersions) return 0;
  return api.is_flexible(version) ? 1 : 0;
}

}  // namespace cairn::protocol::kafka
