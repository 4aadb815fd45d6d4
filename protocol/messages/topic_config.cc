#include "protocol/messages/topic_config.h"

#include "protocol/frame.h"
#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

namespace {

// Far more than the settings there are; a bound before anything is allocated.
constexpr uint32_t kMaxEntries = 1000;
constexpr uint32_t kMaxPartitions = 10'000;

void write_entries(Encoder& e, const std::vector<ConfigEntry>& entries) {
  e.write_count(entries.size());
  for (const auto& c : entries) {
    e.write_string(c.key);
    e.write_string(c.value);
  }
}

std::vector<ConfigEntry> read_entries(Decoder& d, std::string_view field) {
  std::vector<ConfigEntry> out;
  uint32_t n = d.read_count(field, 2 * kMinString, kMaxEntries);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    ConfigEntry c;
    c.key = d.read_string("key");
    c.value = d.read_string("value");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

void TopicConfigRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(topic);
  write_entries(e, changes);
}

Result<TopicConfigRequest> TopicConfigRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  TopicConfigRequest r;
  r.topic = d.read_string("topic");
  r.changes = read_entries(d, "changes");
  return done(d, std::move(r), "TopicConfig request");
}

void TopicConfigResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_string(message);
  write_entries(e, settings);
  e.write_count(partitions.size());
  for (const auto& p : partitions) {
    e.write<int32_t>(p.partition);
    e.write<uint32_t>(p.dirty_ratio_ppm);
    e.write<int64_t>(p.cleaner_checkpoint);
  }
}

Result<TopicConfigResponse> TopicConfigResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  TopicConfigResponse r;
  r.error = read_error(d);
  r.message = d.read_string("message");
  r.settings = read_entries(d, "settings");
  uint32_t n = d.read_count("partitions", 16, kMaxPartitions);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    PartitionCompaction p;
    p.partition = d.read<int32_t>("partition");
    p.dirty_ratio_ppm = d.read<uint32_t>("dirty ratio");
    p.cleaner_checkpoint = d.read<int64_t>("cleaner checkpoint");
    r.partitions.push_back(p);
  }
  return done(d, std::move(r), "TopicConfig response");
}

}  // namespace cairn::protocol
