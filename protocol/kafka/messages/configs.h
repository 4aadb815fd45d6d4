#pragma once

// Configuration: DescribeConfigs (32), AlterConfigs (33) and IncrementalAlterConfigs (44).
// Resource types: 2 topic, 4 broker, 8 broker logger, 16 client metrics, 32 group.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct DescribeConfigsResource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::optional<std::vector<std::string>> configuration_keys = std::vector<std::string>{};

  template <class Io>
  void fields(Io& io) {
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(configuration_keys, "ConfigurationKeys", Versions{0}, Nullable{0});
  }
  bool operator==(const DescribeConfigsResource&) const = default;
};

struct DescribeConfigsRequest {
  static constexpr const ApiSpec& kApi = kDescribeConfigsApi;
  std::vector<DescribeConfigsResource> resources;
  bool include_synonyms = false;
  bool include_documentation = false;

  template <class Io>
  void fields(Io& io) {
    io(resources, "Resources", Versions{0});
    io(include_synonyms, "IncludeSynonyms", Versions{1});
    io(include_documentation, "IncludeDocumentation", Versions{3});
  }
  bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsSynonym {
  std::string name;
  std::optional<std::string> value = "";
  int8_t source = 0;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{1});
    io(value, "Value", Versions{1}, Nullable{0});
    io(source, "Source", Versions{1});
  }
  bool operator==(const DescribeConfigsSynonym&) const = default;
};

struct DescribeConfigsResourceResult {
  std::string name;
  std::optional<std::string> value = "";
  bool read_only = false;
  int8_t config_source = -1;
  bool is_sensitive = false;
  std::vector<DescribeConfigsSynonym> synonyms;
  int8_t config_type = 0;
  std::optional<std::string> documentation = "";

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(value, "Value", Versions{0}, Nullable{0});
    io(read_only, "ReadOnly", Versions{0});
    io(config_source, "ConfigSource", Versions{1});
    io(is_sensitive, "IsSensitive", Versions{0});
    io(synonyms, "Synonyms", Versions{1});
    io(config_type, "ConfigType", Versions{3});
    io(documentation, "Documentation", Versions{3}, Nullable{0});
  }
  bool operator==(const DescribeConfigsResourceResult&) const = default;
};

struct DescribeConfigsResult {
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<DescribeConfigsResourceResult> configs;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(configs, "Configs", Versions{0});
  }
  bool operator==(const DescribeConfigsResult&) const = default;
};

struct DescribeConfigsResponse {
  static constexpr const ApiSpec& kApi = kDescribeConfigsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DescribeConfigsResult> results;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(results, "Results", Versions{0});
  }
  bool operator==(const DescribeConfigsResponse&) const = default;
};

struct AlterableConfig {
  std::string name;
  std::optional<std::string> value = "";

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(value, "Value", Versions{0}, Nullable{0});
  }
  bool operator==(const AlterableConfig&) const = default;
};

struct AlterConfigsResource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<AlterableConfig> configs;

  template <class Io>
  void fields(Io& io) {
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(configs, "Configs", Versions{0});
  }
  bool operator==(const AlterConfigsResource&) const = default;
};

struct AlterConfigsRequest {
  static constexpr const ApiSpec& kApi = kAlterConfigsApi;
  std::vector<AlterConfigsResource> resources;
  bool validate_only = false;

  template <class Io>
  void fields(Io& io) {
    io(resources, "Resources", Versions{0});
    io(validate_only, "ValidateOnly", Versions{0});
  }
  bool operator==(const AlterConfigsRequest&) const = default;
};

// One resource's outcome; AlterConfigs and IncrementalAlterConfigs answer alike.
struct AlterConfigsResourceResponse {
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  int8_t resource_type = 0;
  std::string resource_name;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
  }
  bool operator==(const AlterConfigsResourceResponse&) const = default;
};

struct AlterConfigsResponse {
  static constexpr const ApiSpec& kApi = kAlterConfigsApi;
  int32_t throttle_time_ms = 0;
  std::vector<AlterConfigsResourceResponse> responses;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(responses, "Responses", Versions{0});
  }
  bool operator==(const AlterConfigsResponse&) const = default;
};

// config_operation: 0 set, 1 delete, 2 append, 3 subtract.
struct IncrementalAlterableConfig {
  std::string name;
  int8_t config_operation = 0;
  std::optional<std::string> value = "";

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(config_operation, "ConfigOperation", Versions{0});
    io(value, "Value", Versions{0}, Nullable{0});
  }
  bool operator==(const IncrementalAlterableConfig&) const = default;
};

struct IncrementalAlterConfigsResource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<IncrementalAlterableConfig> configs;

  template <class Io>
  void fields(Io& io) {
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(configs, "Configs", Versions{0});
  }
  bool operator==(const IncrementalAlterConfigsResource&) const = default;
};

struct IncrementalAlterConfigsRequest {
  static constexpr const ApiSpec& kApi = kIncrementalAlterConfigsApi;
  std::vector<IncrementalAlterConfigsResource> resources;
  bool validate_only = false;

  template <class Io>
  void fields(Io& io) {
    io(resources, "Resources", Versions{0});
    io(validate_only, "ValidateOnly", Versions{0});
  }
  bool operator==(const IncrementalAlterConfigsRequest&) const = default;
};

struct IncrementalAlterConfigsResponse {
  static constexpr const ApiSpec& kApi = kIncrementalAlterConfigsApi;
  int32_t throttle_time_ms = 0;
  std::vector<AlterConfigsResourceResponse> responses;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(responses, "Responses", Versions{0});
  }
  bool operator==(const IncrementalAlterConfigsResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
