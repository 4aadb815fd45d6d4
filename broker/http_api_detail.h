#pragma once

// What the JSON API's files share (http_api.cc, http_api_groups.cc, http_api_records.cc); nothing
// else includes this.

#include <optional>
#include <string>
#include <vector>

#include "broker/async.h"
#include "broker/http/message.h"
#include "broker/http/router.h"
#include "broker/http_api.h"
#include "broker/ops/describe_topics.h"
#include "protocol/error_code.h"

namespace cairn::broker {

// Runs `work` on shard 0 and answers with what it returns (500 if it throws); 503 while the
// broker is not serving.
void spawn_api_call(const ApiContext& c, awaitable<http::Response> work, http::Responder respond);
// The API's answer for an operation's error code.
http::Response api_error(protocol::ErrorCode error, const std::string& message);
// Operations::describe_topics with a charge of its own.
awaitable<std::vector<TopicDescription>> describe(const ApiContext& c,
                                                  std::optional<std::vector<std::string>> names);

struct GroupLag {
  std::string group;
  int64_t lag = 0;  // over the group's committed partitions
};
// Every group's total lag.
awaitable<std::vector<GroupLag>> group_lags(const ApiContext& c);

// The age in seconds of the record at `offset`, or nullopt when it cannot be read.
awaitable<std::optional<double>> age_of(const ApiContext& c, std::string topic, int32_t partition,
                                        int64_t offset);

void add_group_routes(http::Router& router, const ApiContext& context);
void add_record_routes(http::Router& router, const ApiContext& context);

}  // namespace cairn::broker
