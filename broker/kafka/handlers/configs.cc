// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs over the topic settings operation,
// with Kafka's names (topic_settings.h has the table). A topic describes every setting in the
// table, as DYNAMIC_TOPIC_CONFIG when it differs from the broker's default for new topics and
// DEFAULT_CONFIG otherwise. The broker resource (the node id, or empty) describes a read-only
// set: the node id and the defaults new topics take, under Kafka's broker names; it cannot be
// altered. AlterConfigs sets what it names and returns every other table setting to the
// broker's default, as Kafka replaces a topic's whole configuration; IncrementalAlterConfigs
// sets, deletes (back to the default), appends to or subtracts from (cleanup.policy, the one
// list) what it names. A name outside the table is INVALID_CONFIG; validate_only checks the
// result without changing the topic.
#include <algorithm>
#include <array>
#include <map>

#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "broker/kafka/topic_settings.h"

namespace cairn::broker::kafka {

namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;
constexpr int8_t kDynamicTopicConfig = 1;
constexpr int8_t kStaticBrokerConfig = 4;
constexpr int8_t kDefaultConfig = 5;
constexpr int8_t kSet = 0;
constexpr int8_t kDelete = 1;
constexpr int8_t kAppend = 2;
constexpr int8_t kSubtract = 3;

using Settings = std::map<std::string, std::string, std::less<>>;

Settings as_map(const std::vector<std::pair<std::string, std::string>>& entries) {
  return Settings(entries.begin(), entries.end());
}

Settings defaults(const KafkaContext& ctx) {
  return as_map(ctx.ops.config().topic_defaults.entries());
}

bool wanted(const std::optional<std::vector<std::string>>& keys, std::string_view name) {
  if (!keys || keys->empty()) return true;
  return std::find(keys->begin(), keys->end(), name) != keys->end();
}

pk::DescribeConfigsResourceResult entry(std::string name, std::string value, bool read_only,
                                        int8_t source, int8_t type, bool synonyms) {
  pk::DescribeConfigsResourceResult e;
  e.name = std::move(name);
  e.value = std::move(value);
  e.read_only = read_only;
  e.config_source = source;
  e.config_type = type;
  e.documentation = std::nullopt;
  if (synonyms) e.synonyms.push_back({e.name, e.value, source});
  return e;
}

// The broker's read-only set: its id and the defaults a new topic takes.
void describe_broker(const KafkaContext& ctx, const pk::DescribeConfigsResource& r, bool synonyms,
                     pk::DescribeConfigsResult& out) {
  std::string node = std::to_string(ctx.ops.config().node_id);
  if (!r.resource_name.empty() && r.resource_name != node) {
    out.error_code = pk::code_of(pk::ErrorCode::kInvalidRequest);
    out.error_message = "this broker's id is " + node;
    return;
  }
  Settings d = defaults(ctx);
  struct Item {
    std::string name;
    std::string value;
    int8_t type;
  };
  const std::array<Item, 12> items = {{
      {"broker.id", node, 3},
      {"node.id", node, 3},
      {"num.partitions", d["partitions"], 3},
      {"default.replication.factor", "1", 4},
      {"min.insync.replicas", "1", 3},
      {"auto.create.topics.enable", ctx.ops.config().auto_create_topics ? "true" : "false", 1},
      {"log.cleanup.policy", d["cleanup.policy"], 7},
      {"log.retention.ms", d["retention.ms"], 5},
      {"log.retention.bytes", d["retention.bytes"], 5},
      {"log.segment.bytes", d["segment.bytes"], 5},
      {"log.roll.ms", d["segment.ms"], 5},
      {"compression.type",
       to_kafka_value(*find_kafka_topic_setting("compression.type"), d["compression"]), 2},
  }};
  for (const auto& [name, value, type] : items) {
    if (!wanted(r.configuration_keys, name)) continue;
    out.configs.push_back(entry(name, value, true, kStaticBrokerConfig, type, synonyms));
  }
}

}  // namespace

awaitable<KafkaReply<pk::DescribeConfigsResponse>> handle(KafkaContext& ctx,
                                                          pk::DescribeConfigsRequest r) {
  ctx.memory.add(r.resources.size() * (sizeof(pk::DescribeConfigsResult) +
                                       16 * sizeof(pk::DescribeConfigsResourceResult)));
  pk::DescribeConfigsResponse out;
  for (const auto& resource : r.resources) {
    auto& result = out.results.emplace_back();
    result.resource_type = resource.resource_type;
    result.resource_name = resource.resource_name;
    result.error_message = std::nullopt;
    if (resource.resource_type == kBrokerResource) {
      describe_broker(ctx, resource, r.include_synonyms, result);
      continue;
    }
    if (resource.resource_type != kTopicResource) {
      result.error_code = pk::code_of(pk::ErrorCode::kInvalidRequest);
      result.error_message = "only topic and broker configurations are served";
      continue;
    }
    auto current = co_await ctx.ops.topic_config(resource.resource_name, {});
    if (current.error != protocol::ErrorCode::kNone) {
      result.error_code = kafka_code(current.error);
      result.error_message = current.message;
      continue;
    }
    Settings now = as_map(current.settings);
    Settings d = defaults(ctx);
    for (const auto& s : kafka_topic_settings()) {
      if (!wanted(resource.configuration_keys, s.kafka_name)) continue;
      const std::string& value = now[std::string(s.cairn_key)];
      int8_t source = value == d[std::string(s.cairn_key)] ? kDefaultConfig : kDynamicTopicConfig;
      result.configs.push_back(entry(std::string(s.kafka_name), to_kafka_value(s, value), false,
                                     source, s.type, r.include_synonyms));
    }
  }
  co_return out;
}

namespace {

using Changes = std::vector<std::pair<std::string, std::string>>;

struct Alteration {
  int8_t resource_type;
  std::string name;
  Changes changes;
  pk::ErrorCode error = pk::ErrorCode::kNone;
  std::string message;

  void fail(pk::ErrorCode code, std::string why) {
    if (error != pk::ErrorCode::kNone) return;
    error = code;
    message = std::move(why);
  }
};

// Applies `a` (validate_only: checks it against the topic's settings without changing them).
awaitable<pk::AlterConfigsResourceResponse> alter(KafkaContext& ctx, Alteration a,
                                                  bool validate_only) {
  pk::AlterConfigsResourceResponse out;
  out.resource_type = a.resource_type;
  out.resource_name = a.name;
  out.error_message = std::nullopt;
  if (a.resource_type == kBrokerResource) {
    a.fail(pk::ErrorCode::kInvalidRequest, "the broker's settings are read-only");
  } else if (a.resource_type != kTopicResource) {
    a.fail(pk::ErrorCode::kInvalidRequest, "only topic configurations can be altered");
  }
  if (a.error == pk::ErrorCode::kNone && validate_only) {
    auto current = co_await ctx.ops.topic_config(a.name, {});
    if (current.error != protocol::ErrorCode::kNone) {
      a.fail(kafka_error(current.error), current.message);
    } else {
      storage::TopicConfig config = ctx.ops.config().topic_defaults;
      Status s = Status::ok();
      for (const auto& [key, value] : current.settings) {
        if (s.is_ok()) s = config.set(key, value);
      }
      for (const auto& [key, value] : a.changes) {
        if (s.is_ok()) s = config.set(key, value);
      }
      if (s.is_ok()) s = config.validate();
      if (!s.is_ok()) a.fail(pk::ErrorCode::kInvalidConfig, s.message());
    }
  } else if (a.error == pk::ErrorCode::kNone) {
    auto outcome = co_await ctx.ops.topic_config(a.name, std::move(a.changes));
    if (outcome.error == protocol::ErrorCode::kInvalidRequest) {
      a.fail(pk::ErrorCode::kInvalidConfig, outcome.message);
    } else if (outcome.error != protocol::ErrorCode::kNone) {
      a.fail(kafka_error(outcome.error), outcome.message);
    }
  }
  out.error_code = pk::code_of(a.error);
  if (a.error != pk::ErrorCode::kNone) out.error_message = a.message;
  co_return out;
}

}  // namespace

awaitable<KafkaReply<pk::AlterConfigsResponse>> handle(KafkaContext& ctx,
                                                       pk::AlterConfigsRequest r) {
  ctx.memory.add(r.resources.size() * sizeof(pk::AlterConfigsResourceResponse));
  pk::AlterConfigsResponse out;
  Settings d = defaults(ctx);
  for (auto& resource : r.resources) {
    Alteration a{resource.resource_type, resource.resource_name, {}};
    Settings given;
    if (resource.resource_type != kTopicResource) resource.configs.clear();  // refused below
    for (const auto& c : resource.configs) {
      const KafkaTopicSetting* s = find_kafka_topic_setting(c.name);
      if (s == nullptr) {
        a.fail(pk::ErrorCode::kInvalidConfig, "'" + c.name + "' is not a topic setting here");
      } else if (!c.value) {
        a.fail(pk::ErrorCode::kInvalidConfig, "'" + c.name + "' has no value");
      } else {
        given[std::string(s->cairn_key)] = to_cairn_value(*s, *c.value);
      }
    }
    for (const auto& s : kafka_topic_settings()) {
      std::string key(s.cairn_key);
      auto it = given.find(key);
      a.changes.emplace_back(key, it != given.end() ? it->second : d[key]);
    }
    out.responses.push_back(co_await alter(ctx, std::move(a), r.validate_only));
  }
  co_return out;
}

awaitable<KafkaReply<pk::IncrementalAlterConfigsResponse>> handle(
    KafkaContext& ctx, pk::IncrementalAlterConfigsRequest r) {
  ctx.memory.add(r.resources.size() * sizeof(pk::AlterConfigsResourceResponse));
  pk::IncrementalAlterConfigsResponse out;
  Settings d = defaults(ctx);
  for (auto& resource : r.resources) {
    Alteration a{resource.resource_type, resource.resource_name, {}};
    Settings current;
    bool edits_list = std::any_of(resource.configs.begin(), resource.configs.end(),
                                  [](const auto& c) { return c.config_operation >= kAppend; });
    if (edits_list && resource.resource_type == kTopicResource) {
      auto now = co_await ctx.ops.topic_config(resource.resource_name, {});
      if (now.error != protocol::ErrorCode::kNone) a.fail(kafka_error(now.error), now.message);
      current = as_map(now.settings);
    }
    if (resource.resource_type != kTopicResource) resource.configs.clear();  // refused below
    for (const auto& c : resource.configs) {
      const KafkaTopicSetting* s = find_kafka_topic_setting(c.name);
      if (s == nullptr) {
        a.fail(pk::ErrorCode::kInvalidConfig, "'" + c.name + "' is not a topic setting here");
        continue;
      }
      std::string key(s->cairn_key);
      if (c.config_operation == kDelete) {
        a.changes.emplace_back(key, d[key]);
      } else if (!c.value) {
        a.fail(pk::ErrorCode::kInvalidConfig, "'" + c.name + "' has no value");
      } else if (c.config_operation == kSet) {
        a.changes.emplace_back(key, to_cairn_value(*s, *c.value));
      } else if ((c.config_operation == kAppend || c.config_operation == kSubtract) && s->is_list) {
        auto edited = edit_list(current[key], *c.value, c.config_operation == kAppend);
        if (!edited) {
          a.fail(pk::ErrorCode::kInvalidConfig, "'" + c.name + "' cannot be empty");
        } else {
          current[key] = *edited;
          a.changes.emplace_back(key, *edited);
        }
      } else {
        a.fail(pk::ErrorCode::kInvalidConfig,
               "'" + c.name + "' takes SET and DELETE (APPEND and SUBTRACT are for lists)");
      }
    }
    out.responses.push_back(co_await alter(ctx, std::move(a), r.validate_only));
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
