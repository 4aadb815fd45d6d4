#pragma once

// Connection-level APIs: ApiVersions (18), SaslHandshake (17), SaslAuthenticate (36).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct ApiVersionsRequest {
  static constexpr const ApiSpec& kApi = kApiVersionsApi;
  std::string client_software_name;
  std::string client_software_version;

  template <class Io>
  void fields(Io& io) {
    io(client_software_name, "ClientSoftwareName", Versions{3});
    io(client_software_version, "ClientSoftwareVersion", Versions{3});
  }
  bool operator==(const ApiVersionsRequest&) const = default;
};

struct ApiVersion {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;

  template <class Io>
  void fields(Io& io) {
    io(api_key, "ApiKey", Versions{0});
    io(min_version, "MinVersion", Versions{0});
    io(max_version, "MaxVersion", Versions{0});
  }
  bool operator==(const ApiVersion&) const = default;
};

struct SupportedFeatureKey {
  std::string name;
  int16_t min_version = 0;
  int16_t max_version = 0;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{3});
    io(min_version, "MinVersion", Versions{3});
    io(max_version, "MaxVersion", Versions{3});
  }
  bool operator==(const SupportedFeatureKey&) const = default;
};

struct FinalizedFeatureKey {
  std::string name;
  int16_t max_version_level = 0;
  int16_t min_version_level = 0;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{3});
    io(max_version_level, "MaxVersionLevel", Versions{3});
    io(min_version_level, "MinVersionLevel", Versions{3});
  }
  bool operator==(const FinalizedFeatureKey&) const = default;
};

// Always sent with response header v0. An unsupported request version is answered at version 0
// with UNSUPPORTED_VERSION and the broker's API list (KIP-511).
struct ApiVersionsResponse {
  static constexpr const ApiSpec& kApi = kApiVersionsApi;
  int16_t error_code = 0;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;
  std::vector<SupportedFeatureKey> supported_features;
  int64_t finalized_features_epoch = -1;
  std::vector<FinalizedFeatureKey> finalized_features;
  bool zk_migration_ready = false;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(api_keys, "ApiKeys", Versions{0});
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(supported_features, "SupportedFeatures", Versions{3}, Tag{0});
    io(finalized_features_epoch, "FinalizedFeaturesEpoch", Versions{3}, Tag{1, -1});
    io(finalized_features, "FinalizedFeatures", Versions{3}, Tag{2});
    io(zk_migration_ready, "ZkMigrationReady", Versions{3}, Tag{3});
  }
  bool operator==(const ApiVersionsResponse&) const = default;
};

struct SaslHandshakeRequest {
  static constexpr const ApiSpec& kApi = kSaslHandshakeApi;
  std::string mechanism;

  template <class Io>
  void fields(Io& io) {
    io(mechanism, "Mechanism", Versions{0});
  }
  bool operator==(const SaslHandshakeRequest&) const = default;
};

struct SaslHandshakeResponse {
  static constexpr const ApiSpec& kApi = kSaslHandshakeApi;
  int16_t error_code = 0;
  std::vector<std::string> mechanisms;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(mechanisms, "Mechanisms", Versions{0});
  }
  bool operator==(const SaslHandshakeResponse&) const = default;
};

struct SaslAuthenticateRequest {
  static constexpr const ApiSpec& kApi = kSaslAuthenticateApi;
  BytesView auth_bytes;

  template <class Io>
  void fields(Io& io) {
    io(auth_bytes, "AuthBytes", Versions{0});
  }
  bool operator==(const SaslAuthenticateRequest&) const = default;
};

struct SaslAuthenticateResponse {
  static constexpr const ApiSpec& kApi = kSaslAuthenticateApi;
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  BytesView auth_bytes;
  int64_t session_lifetime_ms = 0;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(auth_bytes, "AuthBytes", Versions{0});
    io(session_lifetime_ms, "SessionLifetimeMs", Versions{1});
  }
  bool operator==(const SaslAuthenticateResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
