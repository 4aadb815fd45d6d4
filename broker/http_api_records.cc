// The JSON API's record reads (http_api.h): a page of a partition's records, from an offset, a
// time, or the end.
#include <algorithm>
#include <chrono>
#include <span>

#include "broker/http/json.h"
#include "broker/http_api_detail.h"
#include "broker/ops/operations.h"
#include "broker/services.h"
#include "protocol/text/base64.h"
#include "protocol/record_batch.h"

namespace cairn::broker {

using http::JsonWriter;
using http::Request;
using http::Responder;
using http::Response;
using protocol::ErrorCode;

namespace {

constexpr int kMaxRecordsPerPage = 100;
constexpr uint32_t kRecordReadBytes = 1u << 20;

// One record as the API gives it.
struct ApiRecord {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct RecordPage {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t next_offset = 0;
  std::vector<ApiRecord> records;
};

std::string as_text(protocol::Bytes bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// On the partition's shard: up to `limit` records from `from` (or from the first at or after
// `timestamp_ms`, or the last `limit` when neither is given), below the high watermark.
awaitable<RecordPage> read_records(Shard& shard, std::string topic, int32_t partition,
                                   std::optional<int64_t> from, std::optional<int64_t> timestamp_ms,
                                   int limit) {
  RecordPage page;
  auto p = shard.find_online(topic, partition);
  if (!p) {
    page.error = p.error().code() == Status::Code::kNotFound ? ErrorCode::kUnknownTopicOrPartition
                                                             : ErrorCode::kPartitionOffline;
    page.message = p.error().message();
    co_return page;
  }
  const storage::PartitionLog& log = *(*p)->log();
  page.log_start_offset = log.log_start_offset().value();
  page.high_watermark = log.high_watermark().value();
  int64_t start = page.high_watermark - limit;
  if (from) start = *from;
  if (timestamp_ms) {
    auto at = log.offset_for_timestamp(Timestamp(std::chrono::milliseconds(*timestamp_ms)));
    start = at && *at ? (*at)->value() : page.high_watermark;
  }
  start = std::clamp(start, page.log_start_offset, page.high_watermark);
  page.next_offset = start;
  Offset next(start);
  std::vector<std::byte> buffer;
  while (static_cast<int>(page.records.size()) < limit && next < log.high_watermark()) {
    auto slice = log.read(next, kRecordReadBytes);
    if (!slice || slice->size_bytes == 0) break;
    buffer.resize(slice->size_bytes);
    auto n = slice->file->read_at(slice->position, buffer);
    if (!n || *n != buffer.size()) break;
    protocol::BatchIterator batches(buffer, protocol::Verify::kStored);
    while (auto batch = batches.next()) {
      auto plain = protocol::BatchRecords::open(*batch);
      if (!plain) break;
      protocol::RecordReader reader = plain->reader();
      protocol::RecordView r;
      while (reader.next(r) && static_cast<int>(page.records.size()) < limit) {
        if (r.offset < Offset(start)) continue;
        ApiRecord out{r.offset.value(),
                      r.timestamp.time_since_epoch().count(),
                      std::nullopt,
                      std::nullopt,
                      {}};
        if (r.key) out.key = as_text(*r.key);
        if (r.value) out.value = as_text(*r.value);
        for (const auto& h : r.headers()) {
          out.headers.emplace_back(std::string(h.key),
                                   h.value ? std::optional(as_text(*h.value)) : std::nullopt);
        }
        page.records.push_back(std::move(out));
        page.next_offset = r.offset.value() + 1;
      }
      if (static_cast<int>(page.records.size()) >= limit) break;
    }
    if (slice->next_offset <= next) break;
    next = slice->next_offset;
    if (page.records.empty() || page.next_offset < next.value()) {
      page.next_offset = std::max(page.next_offset, next.value());
    }
  }
  co_return page;
}

std::optional<int64_t> integer_param(const Request& req, std::string_view name, bool& bad) {
  auto text = req.query_param(name);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    int64_t v = std::stoll(*text, &used);
    if (used == text->size()) return v;
  } catch (const std::exception&) {
  }
  bad = true;
  return std::nullopt;
}

awaitable<Response> get_records(const ApiContext& c, std::string topic, int32_t partition,
                                std::optional<int64_t> from, std::optional<int64_t> timestamp_ms,
                                int limit) {
  if (!c.services.topics().find(topic)) {
    co_return Response::error(404, "not_found", "no topic named '" + topic + "'");
  }
  Shard& owner = c.services.shard_for(topic, partition);
  RecordPage page = co_await run_on(
      owner.executor(), read_records(owner, topic, partition, from, timestamp_ms, limit));
  if (page.error != ErrorCode::kNone) co_return api_error(page.error, page.message);
  JsonWriter w;
  w.begin_object()
      .key("topic")
      .value(topic)
      .key("partition")
      .value(partition)
      .key("log_start_offset")
      .value(page.log_start_offset)
      .key("high_watermark")
      .value(page.high_watermark)
      .key("next_offset")
      .value(page.next_offset)
      .key("records")
      .begin_array();
  for (const ApiRecord& r : page.records) {
    w.begin_object().key("offset").value(r.offset).key("timestamp_ms").value(r.timestamp_ms);
    w.key("key");
    r.key ? (void)w.value(protocol::text::base64_encode(*r.key)) : (void)w.null();
    w.key("value");
    r.value ? (void)w.value(protocol::text::base64_encode(*r.value)) : (void)w.null();
    w.key("headers").begin_array();
    for (const auto& [k, v] : r.headers) {
      w.begin_object().key("key").value(k).key("value");
      v ? (void)w.value(protocol::text::base64_encode(*v)) : (void)w.null();
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  co_return Response::json(200, std::move(w).take());
}

}  // namespace

awaitable<std::optional<double>> age_of(const ApiContext& c, std::string topic, int32_t partition,
                                        int64_t offset) {
  Shard& owner = c.services.shard_for(topic, partition);
  RecordPage page = co_await run_on(owner.executor(),
                                    read_records(owner, topic, partition, offset, std::nullopt, 1));
  if (page.error != ErrorCode::kNone || page.records.empty() || page.records[0].offset != offset) {
    co_return std::nullopt;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  co_return std::max(0.0, static_cast<double>(now.count() - page.records[0].timestamp_ms) / 1000);
}

void add_record_routes(http::Router& router, const ApiContext& context) {
  const ApiContext* c = &context;
  using http::Method;
  router.add(
      Method::kGet, "/api/v1/topics/{name}/records",
      http::Handler([c](const Request& req, Responder r) {
        bool bad = false;
        auto partition = integer_param(req, "partition", bad).value_or(0);
        auto offset = integer_param(req, "offset", bad);
        auto timestamp = integer_param(req, "timestamp_ms", bad);
        auto limit = integer_param(req, "limit", bad).value_or(20);
        if (bad || (offset && timestamp) || limit < 1 || limit > kMaxRecordsPerPage ||
            partition < 0 || partition > INT32_MAX) {
          return r(
              Response::error(400, "bad_request",
                              "partition, offset, timestamp_ms (not both) and limit (1 to 100) are "
                              "integers"));
        }
        spawn_api_call(*c,
                       get_records(*c, req.path_params.at("name"), static_cast<int32_t>(partition),
                                   offset, timestamp, static_cast<int>(limit)),
                       std::move(r));
      }));
}

}  // namespace cairn::broker
