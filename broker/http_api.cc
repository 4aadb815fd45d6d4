// The JSON API's health, topic and statistics calls (http_api.h); groups and records are in
// http_api_groups.cc and http_api_records.cc.
#include "broker/http_api.h"

#include <boost/asio/co_spawn.hpp>

#include <array>
#include <map>
#include <variant>

#include "broker/broker_metrics.h"
#include "broker/http/json.h"
#include "protocol/text/json_value.h"
#include "broker/http_api_detail.h"
#include "broker/group/offset_log.h"
#include "broker/http_routes.h"
#include "broker/metrics/catalogue.h"
#include "broker/ops/operations.h"
#include "broker/services.h"

namespace cairn::broker {

using http::JsonWriter;
using http::Request;
using http::Responder;
using http::Response;
using protocol::ErrorCode;

void spawn_api_call(const ApiContext& c, awaitable<Response> work, Responder respond) {
  http::Readiness state = c.readiness.probe();
  if (!c.readiness.serving()) {
    return respond(
        Response::error(503, "unavailable", "the broker is not serving: " + state.reason));
  }
  auto shared = std::make_shared<Responder>(std::move(respond));
  asio::co_spawn(c.services.shard(0).executor(), std::move(work),
                 [shared](const std::exception_ptr& e, Response r) {
                   (*shared)(e ? Response::error(500, "internal", "the broker failed to answer")
                               : std::move(r));
                 });
}

Response api_error(ErrorCode error, const std::string& message) {
  switch (error) {
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kGroupIdNotFound: return Response::error(404, "not_found", message);
    case ErrorCode::kTopicAlreadyExists: return Response::error(409, "conflict", message);
    case ErrorCode::kInvalidTopicName:
    case ErrorCode::kInvalidPartitions:
    case ErrorCode::kInvalidConfig:
    case ErrorCode::kInvalidRequest: return Response::error(400, "bad_request", message);
    default:
      return Response::error(
          503, "unavailable",
          std::string(protocol::error_name(error)) + (message.empty() ? "" : ": " + message));
  }
}

awaitable<std::vector<TopicDescription>> describe(const ApiContext& c,
                                                  std::optional<std::vector<std::string>> names) {
  MemoryCharge charge(c.services.shard(0).budget_handle(), std::make_shared<uint64_t>(0));
  co_return co_await c.ops.describe_topics(std::move(names), false, charge);
}

namespace {

bool offline(const PartitionState& p) { return p.error != ErrorCode::kNone; }

void write_summary(JsonWriter& w, const TopicDescription& t) {
  int64_t records = 0;
  uint64_t size = 0;
  int offline_partitions = 0;
  for (const PartitionState& p : t.partitions) {
    records += p.high_watermark - p.log_start_offset;
    size += p.size_bytes;
    offline_partitions += offline(p) ? 1 : 0;
  }
  w.begin_object()
      .key("name")
      .value(t.name)
      .key("partitions")
      .value(t.partitions.size())
      .key("records")
      .value(records)
      .key("size_bytes")
      .value(size)
      .key("offline_partitions")
      .value(offline_partitions)
      .key("internal")
      .value(t.name.starts_with("__"))
      .end_object();
}

int64_t millis_or_minus_one(const std::optional<std::chrono::milliseconds>& v) {
  return v ? v->count() : -1;
}

void write_detail(JsonWriter& w, const TopicDescription& t) {
  w.begin_object().key("name").value(t.name).key("internal").value(t.name.starts_with("__"));
  w.key("config").begin_object();
  if (t.config) {
    const storage::TopicConfig& c = *t.config;
    w.key("retention_ms")
        .value(millis_or_minus_one(c.retention_age))
        .key("retention_bytes")
        .value(c.retention_bytes ? static_cast<int64_t>(*c.retention_bytes) : -1)
        .key("segment_bytes")
        .value(c.segment_bytes)
        .key("segment_ms")
        .value(static_cast<int64_t>(c.segment_age.count()))
        .key("fsync")
        .value(c.durability.to_string());
  }
  w.end_object().key("partitions").begin_array();
  for (const PartitionState& p : t.partitions) {
    w.begin_object()
        .key("partition")
        .value(p.partition)
        .key("log_start_offset")
        .value(p.log_start_offset)
        .key("log_end_offset")
        .value(p.high_watermark)
        .key("high_watermark")
        .value(p.high_watermark)
        .key("size_bytes")
        .value(p.size_bytes)
        .key("segments")
        .value(p.segments)
        .key("offline")
        .value(offline(p))
        .key("offline_reason");
    if (offline(p)) {
      w.value(p.message.empty() ? std::string(protocol::error_name(p.error)) : p.message);
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array().end_object();
}

awaitable<Response> list_topics(const ApiContext& c) {
  auto topics = co_await describe(c, std::nullopt);
  // A named local: g++ 12 cannot take a braced list of string literals in a co_await.
  std::vector<std::string> internal_names;
  internal_names.push_back(std::string(kOffsetsTopic));
  auto internal = co_await describe(c, std::move(internal_names));
  JsonWriter w;
  w.begin_object().key("topics").begin_array();
  for (const auto& t : topics) write_summary(w, t);
  for (const auto& t : internal) {
    if (t.error == ErrorCode::kNone) write_summary(w, t);
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

awaitable<Response> get_topic(const ApiContext& c, std::string name) {
  std::vector<std::string> names;
  names.push_back(name);
  auto topics = co_await describe(c, std::move(names));
  if (topics.empty() || topics[0].error != ErrorCode::kNone) {
    co_return Response::error(404, "not_found", "no topic named '" + name + "'");
  }
  JsonWriter w;
  write_detail(w, topics[0]);
  co_return Response::json(200, std::move(w).take());
}

awaitable<Response> delete_topic(const ApiContext& c, std::string name,
                                 std::optional<std::string> confirm) {
  if (confirm != name) {
    co_return Response::error(400, "confirmation_required",
                              "repeat the topic's name in ?confirm= to delete it");
  }
  if (name.starts_with("__")) {
    co_return Response::error(400, "bad_request", "internal topics cannot be deleted");
  }
  auto outcome = co_await c.ops.delete_topic(name);
  if (outcome.error != ErrorCode::kNone) co_return api_error(outcome.error, outcome.message);
  JsonWriter w;
  w.begin_object().key("deleted").value(name).end_object();
  co_return Response::json(200, std::move(w).take());
}

// The settings of a new topic from the request's `partitions` and `config`, over the broker's
// defaults; an error answer when one is of the wrong type, unknown or out of range.
std::variant<storage::TopicConfig, Response> topic_config_of(
    const ApiContext& c, const protocol::text::JsonValue& body) {
  storage::TopicConfig config = c.services.config().topic_defaults;
  auto bad = [](const std::string& why) { return Response::error(400, "bad_request", why); };
  if (const auto* p = body.find("partitions")) {
    auto n = p->integer();
    if (!n || *n < 1 || *n > 1024) return bad("partitions must be an integer from 1 to 1024");
    config.partitions = static_cast<int32_t>(*n);
  }
  if (const auto* settings = body.find("config")) {
    if (settings->kind != protocol::text::JsonValue::Kind::kObject)
      return bad("config must be an object");
    for (size_t i = 0; i < settings->keys.size(); ++i) {
      const std::string& key = settings->keys[i];
      const protocol::text::JsonValue& value = settings->values[i];
      auto n = value.integer();
      if (!n) return bad("config." + key + " must be an integer");
      if (key == "retention_ms") {
        config.retention_age = *n < 0 ? std::nullopt : std::optional(std::chrono::milliseconds(*n));
      } else if (key == "retention_bytes") {
        config.retention_bytes = *n < 0 ? std::nullopt : std::optional(static_cast<uint64_t>(*n));
      } else if (key == "segment_bytes" && *n > 0) {
        config.segment_bytes = static_cast<uint64_t>(*n);
      } else if (key == "segment_ms" && *n > 0) {
        config.segment_age = std::chrono::milliseconds(*n);
      } else {
        return bad("config." + key + " is not a setting this call takes, or is out of range");
      }
    }
  }
  if (Status s = config.validate(); !s.is_ok()) return bad(s.message());
  return config;
}

awaitable<Response> create_topic(const ApiContext& c, std::string name,
                                 storage::TopicConfig config) {
  auto outcome = co_await c.ops.create_topic(name, config);
  if (outcome.error != ErrorCode::kNone) co_return api_error(outcome.error, outcome.message);
  Response created = co_await get_topic(c, name);
  if (created.status == 200) created.status = 201;
  co_return created;
}

awaitable<Response> health(const ApiContext& c) {
  auto topics = co_await describe(c, std::nullopt);
  size_t partitions = 0, offline_partitions = 0;
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) {
      ++partitions;
      offline_partitions += offline(p) ? 1 : 0;
    }
  }
  http::Readiness ready = c.readiness.probe();
  BrokerMetrics& m = c.services.metrics();
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
  JsonWriter w;
  w.begin_object()
      .key("status")
      .value(ready.ready             ? "ready"
             : c.readiness.serving() ? "degraded"
                                     : "recovering")
      .key("ready")
      .value(ready.ready)
      .key("reasons")
      .begin_array();
  if (!ready.ready) w.value(ready.reason);
  w.end_array()
      .key("version")
      .value(c.services.config().version)
      .key("uptime_seconds")
      .value(uptime)
      .key("shards")
      .value(c.services.shard_count())
      .key("topics")
      .value(topics.size())
      .key("partitions")
      .begin_object()
      .key("total")
      .value(partitions)
      .key("offline")
      .value(offline_partitions)
      .end_object()
      .key("connections")
      .value(c.open_connections())
      .key("request_memory")
      .begin_object()
      .key("used_bytes")
      .value(static_cast<uint64_t>(m.request_memory.value()))
      .key("budget_bytes")
      .value(c.services.config().limits.request_memory_bytes)
      .end_object()
      .key("recovery_seconds")
      .value(m.recovery_duration.value())
      .end_object();
  co_return Response::json(200, std::move(w).take());
}

awaitable<Response> stats(const ApiContext& c) {
  const metrics::Registry& registry = c.services.metrics().registry();
  namespace catalogue = metrics::catalogue;
  // Per topic, the four counters in this order.
  std::map<std::string, std::array<uint64_t, 4>> topics;
  const metrics::Descriptor* counters[] = {&catalogue::kRecordsIn, &catalogue::kRecordsOut,
                                           &catalogue::kBytesIn, &catalogue::kBytesOut};
  for (size_t i = 0; i < 4; ++i) {
    for (const auto& s : registry.collect_one(*counters[i]).series) {
      if (!s.label_values.empty()) topics[s.label_values[0]][i] = s.counter;
    }
  }
  auto groups = co_await group_lags(c);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  JsonWriter w;
  w.begin_object()
      .key("time_ms")
      .value(static_cast<int64_t>(now.count()))
      .key("topics")
      .begin_array();
  for (const auto& [name, v] : topics) {
    if (name.starts_with("__")) continue;
    w.begin_object()
        .key("topic")
        .value(name)
        .key("records_in_total")
        .value(v[0])
        .key("records_out_total")
        .value(v[1])
        .key("bytes_in_total")
        .value(v[2])
        .key("bytes_out_total")
        .value(v[3])
        .end_object();
  }
  w.end_array().key("groups").begin_array();
  for (const auto& g : groups) {
    w.begin_object().key("group").value(g.group).key("lag").value(g.lag).end_object();
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

}  // namespace

void add_api_routes(http::Router& router, const ApiContext& context) {
  const ApiContext* c = &context;
  using http::Method;
  router.add(Method::kGet, "/api/v1/health", http::Handler([c](const Request&, Responder r) {
               spawn_api_call(*c, health(*c), std::move(r));
             }));
  router.add(Method::kGet, "/api/v1/stats", http::Handler([c](const Request&, Responder r) {
               spawn_api_call(*c, stats(*c), std::move(r));
             }));
  router.add(Method::kGet, "/api/v1/topics", http::Handler([c](const Request&, Responder r) {
               spawn_api_call(*c, list_topics(*c), std::move(r));
             }));
  router.add(Method::kGet, "/api/v1/topics/{name}",
             http::Handler([c](const Request& req, Responder r) {
               spawn_api_call(*c, get_topic(*c, req.path_params.at("name")), std::move(r));
             }));
  router.add(Method::kPost, "/api/v1/topics", http::Handler([c](const Request& req, Responder r) {
               auto body = protocol::text::parse_json(req.body);
               const protocol::text::JsonValue* name = body ? body->find("name") : nullptr;
               if (!name || name->kind != protocol::text::JsonValue::Kind::kString) {
                 return r(Response::error(400, "bad_request",
                                          "the body must be a JSON object with a string name"));
               }
               auto config = topic_config_of(*c, *body);
               if (auto* error = std::get_if<Response>(&config)) return r(std::move(*error));
               spawn_api_call(*c,
                              create_topic(*c, name->text, std::get<storage::TopicConfig>(config)),
                              std::move(r));
             }));
  router.add(
      Method::kDelete, "/api/v1/topics/{name}", http::Handler([c](const Request& req, Responder r) {
        spawn_api_call(*c, delete_topic(*c, req.path_params.at("name"), req.query_param("confirm")),
                       std::move(r));
      }));
  add_group_routes(router, context);
  add_record_routes(router, context);
}

}  // namespace cairn::broker
