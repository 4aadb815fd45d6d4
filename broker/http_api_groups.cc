// The JSON API's consumer group calls (http_api.h).
#include <algorithm>
#include <span>
#include <variant>

#include "broker/http/json.h"
#include "protocol/text/json_value.h"
#include "broker/http_api_detail.h"
#include "broker/ops/operations.h"
#include "broker/services.h"
#include "protocol/record_batch.h"

namespace cairn::broker {

using http::JsonWriter;
using http::Request;
using http::Responder;
using http::Response;
using protocol::ErrorCode;

namespace {

// "PreparingRebalance" -> "preparing_rebalance", as the API spells states.
std::string api_state(std::string_view state) {
  std::string out;
  for (char ch : state) {
    if (std::isupper(static_cast<unsigned char>(ch))) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      out += ch;
    }
  }
  return out;
}

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t committed = -1;
  int64_t high_watermark = -1;
  int64_t lag() const { return std::max<int64_t>(0, high_watermark - committed); }
};

awaitable<std::vector<PartitionLag>> committed_lags(const ApiContext& c, std::string group) {
  // A named request: g++ 12 destroys a braced temporary in a co_await twice.
  OffsetsRequest request;
  request.group_id = std::move(group);
  auto fetched = co_await c.ops.fetch_offsets(std::move(request));
  std::vector<PartitionLag> out;
  std::vector<OffsetQuery> queries;
  for (const auto& f : fetched.offsets) {
    if (f.offset < 0 || f.error != ErrorCode::kNone) continue;
    out.push_back({f.topic, f.partition, f.offset, -1});
  }
  queries.reserve(queries.size() + out.size());
  for (const auto& p : out) {
    queries.push_back({p.topic, p.partition, OffsetQuery::Position::kLatest, {}});
  }
  auto answers = co_await c.ops.list_offsets(queries);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].high_watermark = answers[i].error == ErrorCode::kNone ? answers[i].offset : -1;
  }
  std::erase_if(out, [](const PartitionLag& p) { return p.high_watermark < 0; });
  co_return out;
}

awaitable<Response> list_groups(const ApiContext& c) {
  auto listings = co_await c.ops.list_groups();
  JsonWriter w;
  w.begin_object().key("groups").begin_array();
  for (const auto& g : listings) {
    auto lags = co_await committed_lags(c, g.group_id);
    std::vector<std::string> topics;
    int64_t lag = 0;
    for (const auto& p : lags) {
      lag += p.lag();
      if (std::find(topics.begin(), topics.end(), p.topic) == topics.end()) {
        topics.push_back(p.topic);
      }
    }
    w.begin_object()
        .key("group")
        .value(g.group_id)
        .key("state")
        .value(api_state(g.state))
        .key("members")
        .value(g.members)
        .key("topics")
        .begin_array();
    for (const auto& t : topics) w.value(t);
    w.end_array().key("lag").value(lag).end_object();
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

awaitable<Response> get_group(const ApiContext& c, std::string group) {
  std::vector<std::string> ids;
  ids.push_back(group);
  auto described = co_await c.ops.describe_groups(std::move(ids));
  auto lags = co_await committed_lags(c, group);
  if (described.empty() || described[0].error != ErrorCode::kNone ||
      (described[0].members.empty() && lags.empty())) {
    co_return Response::error(404, "not_found", "no group named '" + group + "'");
  }
  const GroupDescription& d = described[0];
  JsonWriter w;
  w.begin_object()
      .key("group")
      .value(group)
      .key("state")
      .value(api_state(d.state))
      .key("generation")
      .value(d.generation)
      .key("protocol")
      .value(d.strategy)
      .key("leader")
      .value("")
      .key("members")
      .begin_array();
  for (const auto& m : d.members) {
    w.begin_object()
        .key("member_id")
        .value(m.member_id)
        .key("client_id")
        .value(m.client_id)
        .key("host")
        .value(m.host)
        .key("assignments")
        .begin_array();
    for (const auto& a : m.assignment) {
      w.begin_object().key("topic").value(a.topic).key("partitions").begin_array();
      for (int32_t p : a.partitions) w.value(p);
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().key("offsets").begin_array();
  for (const auto& p : lags) {
    std::optional<double> age = 0.0;
    if (p.lag() > 0) age = co_await age_of(c, p.topic, p.partition, p.committed);
    w.begin_object()
        .key("topic")
        .value(p.topic)
        .key("partition")
        .value(p.partition)
        .key("committed_offset")
        .value(p.committed)
        .key("high_watermark")
        .value(p.high_watermark)
        .key("lag")
        .value(p.lag())
        .key("lag_seconds");
    age ? (void)w.value(*age) : (void)w.null();
    w.end_object();
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

// Where a reset moves each partition: an end of the log, the first offset at a time, or an
// offset given as is.
struct ResetTarget {
  std::string topic;
  std::optional<std::vector<int32_t>> partitions;  // nullopt: all of the topic's
  OffsetQuery::Position position = OffsetQuery::Position::kEarliest;
  std::optional<int64_t> offset;
  int64_t timestamp_ms = 0;
};

// The reset a request body asks for, or why it cannot be done.
std::variant<ResetTarget, Response> reset_target_of(const protocol::text::JsonValue& body) {
  auto bad = [](const std::string& why) { return Response::error(400, "bad_request", why); };
  ResetTarget t;
  const auto* topic = body.find("topic");
  if (!topic || topic->kind != protocol::text::JsonValue::Kind::kString)
    return bad("topic is required");
  t.topic = topic->text;
  if (const auto* ps = body.find("partitions")) {
    if (ps->kind != protocol::text::JsonValue::Kind::kArray)
      return bad("partitions must be an array");
    t.partitions.emplace();
    for (const auto& p : ps->items) {
      auto n = p.integer();
      if (!n || *n < 0 || *n > INT32_MAX) return bad("partitions must be partition numbers");
      t.partitions->push_back(static_cast<int32_t>(*n));
    }
  }
  const auto* to = body.find("to");
  if (to && to->kind == protocol::text::JsonValue::Kind::kString && to->text == "earliest") {
    t.position = OffsetQuery::Position::kEarliest;
  } else if (to && to->kind == protocol::text::JsonValue::Kind::kString && to->text == "latest") {
    t.position = OffsetQuery::Position::kLatest;
  } else if (const auto* o = to ? to->find("offset") : nullptr; o && o->integer() >= 0) {
    t.offset = o->integer();
  } else if (const auto* ts = to ? to->find("timestamp_ms") : nullptr; ts && ts->integer()) {
    t.position = OffsetQuery::Position::kAtTimestamp;
    t.timestamp_ms = *ts->integer();
  } else {
    return bad(R"(to must be "earliest", "latest", {"offset": N} or {"timestamp_ms": T})");
  }
  return t;
}

awaitable<Response> reset_offsets(const ApiContext& c, std::string group, ResetTarget target) {
  std::vector<std::string> ids;
  ids.push_back(group);
  auto described = co_await c.ops.describe_groups(std::move(ids));
  if (!described.empty() && !described[0].members.empty()) {
    co_return Response::error(409, "conflict",
                              "the group has members: offsets can only be reset on an empty group");
  }
  auto config = c.services.topics().find(target.topic);
  if (!config) co_return Response::error(404, "not_found", "no topic named '" + target.topic + "'");
  std::vector<int32_t> partitions;
  if (target.partitions) {
    partitions = *target.partitions;
  } else {
    for (int32_t p = 0; p < config->partitions; ++p) partitions.push_back(p);
  }
  std::vector<OffsetQuery> queries;
  for (int32_t p : partitions) {
    if (p >= config->partitions) {
      co_return Response::error(404, "not_found", "no partition " + std::to_string(p));
    }
    queries.push_back({target.topic, p, target.position,
                       Timestamp(std::chrono::milliseconds(target.timestamp_ms))});
  }
  auto answers = co_await c.ops.list_offsets(queries);
  CommitRequest commit;
  commit.group_id = group;
  for (size_t i = 0; i < partitions.size(); ++i) {
    int64_t offset = target.offset.value_or(answers[i].offset);
    if (!target.offset && answers[i].error != ErrorCode::kNone) {
      co_return api_error(answers[i].error, "partition " + std::to_string(partitions[i]));
    }
    if (offset < 0) {
      // No record that recent: the end of the log.
      OffsetQuery end{target.topic, partitions[i], OffsetQuery::Position::kLatest, {}};
      auto latest = co_await c.ops.list_offsets(std::span(&end, 1));
      offset = latest[0].offset;
    }
    CommitEntry entry;
    entry.topic = target.topic;
    entry.partition = partitions[i];
    entry.offset = offset;
    commit.entries.push_back(std::move(entry));
  }
  auto errors = co_await c.ops.commit_offsets(commit);
  for (auto e : errors) {
    if (e != ErrorCode::kNone) co_return api_error(e, "committing the new offsets");
  }
  JsonWriter w;
  w.begin_object().key("offsets").begin_array();
  for (const auto& e : commit.entries) {
    w.begin_object()
        .key("topic")
        .value(e.topic)
        .key("partition")
        .value(e.partition)
        .key("committed_offset")
        .value(e.offset)
        .end_object();
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

}  // namespace

awaitable<std::vector<GroupLag>> group_lags(const ApiContext& c) {
  std::vector<GroupLag> out;
  auto listings = co_await c.ops.list_groups();
  for (const auto& g : listings) {
    GroupLag lag{g.group_id, 0};
    auto lags = co_await committed_lags(c, g.group_id);
    for (const auto& p : lags) lag.lag += p.lag();
    out.push_back(std::move(lag));
  }
  co_return out;
}

void add_group_routes(http::Router& router, const ApiContext& context) {
  const ApiContext* c = &context;
  using http::Method;
  router.add(Method::kGet, "/api/v1/groups", http::Handler([c](const Request&, Responder r) {
               spawn_api_call(*c, list_groups(*c), std::move(r));
             }));
  router.add(Method::kPost, "/api/v1/groups/{group}/offsets",
             http::Handler([c](const Request& req, Responder r) {
               const std::string& group = req.path_params.at("group");
               auto body = protocol::text::parse_json(req.body);
               if (!body || body->kind != protocol::text::JsonValue::Kind::kObject) {
                 return r(Response::error(400, "bad_request", "the body must be a JSON object"));
               }
               const auto* confirm = body->find("confirm");
               if (!confirm || confirm->text != group) {
                 return r(Response::error(400, "confirmation_required",
                                          "repeat the group's name in confirm to reset it"));
               }
               auto target = reset_target_of(*body);
               if (auto* error = std::get_if<Response>(&target)) return r(std::move(*error));
               spawn_api_call(*c, reset_offsets(*c, group, std::get<ResetTarget>(target)),
                              std::move(r));
             }));
  router.add(Method::kGet, "/api/v1/groups/{group}",
             http::Handler([c](const Request& req, Responder r) {
               spawn_api_call(*c, get_group(*c, req.path_params.at("group")), std::move(r));
             }));
}

}  // namespace cairn::broker
