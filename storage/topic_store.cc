#include "storage/topic_store.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <sstream>

#include "storage/format.h"

namespace cairn::storage {

namespace {

constexpr std::string_view kConfFile = "topic.conf";
constexpr std::string_view kConfHeader = "# cairn topic config v1";

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_ratio(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

PartitionConfig TopicConfig::partition_config() const {
  PartitionConfig c;
  c.segment_bytes = segment_bytes;
  c.segment_age = segment_age;
  c.retention_bytes = retention_bytes;
  c.retention_age = retention_age;
  c.durability = durability;
  c.cleanup = cleanup;
  c.compaction = compaction;
  c.compression = compression;
  return c;
}

Status TopicConfig::set(std::string_view key, std::string_view value) {
  auto bad = [&](std::string_view what) {
    return Status::invalid_argument(std::string(key) + ": '" + std::string(value) + "' is not " +
                                    std::string(what));
  };
  if (key == "durability") {
    auto d = DurabilityPolicy::parse(value);
    if (!d) return d.error();
    durability = *d;
    return Status::ok();
  }
  if (key == "cleanup.policy") {
    auto p = CleanupPolicy::parse(value);
    if (!p) return p.error();
    cleanup = *p;
    return Status::ok();
  }
  if (key == "compression") {
    if (value == "producer") {
      compression.reset();
      return Status::ok();
    }
    // Kafka's name for no codec is "uncompressed".
    auto c = protocol::parse_compression(value == "uncompressed" ? "none" : value);
    if (!c) return bad("producer, none (or uncompressed), gzip, snappy, lz4 or zstd");
    compression = *c;
    return Status::ok();
  }
  if (key == "min.cleanable.dirty.ratio") {
    auto r = parse_ratio(value);
    if (!r) return bad("a decimal number");
    compaction.min_dirty_ratio = *r;
    return Status::ok();
  }
  if (key != "partitions" && key != "segment.bytes" && key != "segment.ms" &&
      key != "retention.bytes" && key != "retention.ms" && key != "min.compaction.lag.ms" &&
      key != "delete.retention.ms") {
    return Status::not_found("no topic setting named '" + std::string(key) + "'");
  }
  auto v = parse_int(value);
  if (!v) return bad("a decimal integer");
  if (key == "partitions") {
    if (*v < 1 || *v > kMaxPartitions) return bad("within 1 to 10000");
    partitions = static_cast<int32_t>(*v);
  } else if (key == "segment.bytes") {
    if (*v < 0) return bad("a size");
    segment_bytes = static_cast<uint64_t>(*v);
  } else if (key == "segment.ms") {
    segment_age = std::chrono::milliseconds(*v);
  } else if (key == "retention.bytes") {
    retention_bytes.reset();
    if (*v >= 0) retention_bytes = static_cast<uint64_t>(*v);
  } else if (key == "retention.ms") {
    retention_age.reset();
    if (*v >= 0) retention_age = std::chrono::milliseconds(*v);
  } else if (key == "min.compaction.lag.ms") {
    compaction.min_lag = std::chrono::milliseconds(*v);
  } else {
    compaction.delete_retention = std::chrono::milliseconds(*v);
  }
  return Status::ok();
}

Status TopicConfig::validate() const {
  if (partitions < 1 || partitions > kMaxPartitions) {
    return Status::invalid_argument("partitions must be between 1 and " +
                                    std::to_string(kMaxPartitions));
  }
  if (retention_age && retention_age->count() <= 0) {
    return Status::invalid_argument("retention.ms must be > 0");
  }
  return partition_config().validate();
}

std::vector<std::pair<std::string, std::string>> TopicConfig::entries() const {
  std::ostringstream ratio;
  ratio << compaction.min_dirty_ratio;
  return {
      {"partitions", std::to_string(partitions)},
      {"segment.bytes", std::to_string(segment_bytes)},
      {"segment.ms", std::to_string(segment_age.count())},
      {"retention.bytes",
       std::to_string(retention_bytes ? static_cast<int64_t>(*retention_bytes) : -1)},
      {"retention.ms", std::to_string(retention_age ? retention_age->count() : -1)},
      {"durability", durability.to_string()},
      {"cleanup.policy", cleanup.to_string()},
      {"compression",
       compression ? std::string(protocol::compression_name(*compression)) : "producer"},
      {"min.compaction.lag.ms", std::to_string(compaction.min_lag.count())},
      {"delete.retention.ms", std::to_string(compaction.delete_retention.count())},
      {"min.cleanable.dirty.ratio", ratio.str()},
  };
}

std::vector<std::string> TopicConfig::keys() {
  std::vector<std::string> out;
  for (auto& [key, value] : TopicConfig{}.entries()) out.push_back(key);
  return out;
}

std::string TopicConfig::encode() const {
  std::string out(kConfHeader);
  out += "\n";
  for (const auto& [key, value] : entries()) out.append(key).append("=").append(value).append("\n");
  return out;
}

Result<TopicConfig> TopicConfig::decode(std::string_view text) {
  TopicConfig c;
  bool seen_partitions = false;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::corruption("line " + std::to_string(line_no) + ": no '='");
    }
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    Status set = c.set(key, value);
    if (set.is_not_found()) continue;  // unknown: skipped whatever its value (FORMAT.md)
    if (!set.is_ok()) {
      return Status::corruption("line " + std::to_string(line_no) + ": " + set.message());
    }
    if (key == "partitions") seen_partitions = true;
  }
  if (!seen_partitions) return Status::corruption("no partitions line");
  CAIRN_RETURN_IF_ERROR(c.validate());
  return c;
}

TopicStore::TopicStore(IoBackend& io, const std::filesystem::path& data_dir)
    : io_(io), topics_dir_(data_dir / "topics") {}

Status TopicStore::validate_name(std::string_view name) {
  if (name.empty() || name.size() > 200 || name == "." || name == "..") {
    return Status::invalid_argument("topic name must be 1 to 200 characters, not . or ..");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::invalid_argument("topic name '" + std::string(name) +
                                      "' has a character outside [a-zA-Z0-9._-]");
    }
  }
  return Status::ok();
}

std::filesystem::path TopicStore::topic_dir(std::string_view name) const {
  return topics_dir_ / std::string(name);
}

std::filesystem::path TopicStore::partition_dir(std::string_view name, int32_t partition) const {
  return topic_dir(name) / std::to_string(partition);
}

Status TopicStore::init() {
  CAIRN_RETURN_IF_ERROR(io_.create_directory(topics_dir_.parent_path()));
  CAIRN_RETURN_IF_ERROR(io_.create_directory(topics_dir_));
  return io_.sync_directory(topics_dir_.parent_path());
}

Result<std::map<std::string, TopicConfig>> TopicStore::load_all() {
  auto names = io_.list_directory(topics_dir_);
  if (!names) return names.error();
  std::map<std::string, TopicConfig> topics;
  for (const std::string& name : *names) {
    auto conf_path = topic_dir(name) / std::string(kConfFile);
    auto bytes = read_whole_file(io_, conf_path);
    if (!bytes) {
      if (!bytes.error().is_not_found()) return bytes.error();
      spdlog::warn("removing {}: a topic directory without {} (a delete or create was cut short)",
                   topic_dir(name).string(), kConfFile);
      CAIRN_RETURN_IF_ERROR(remove_tree(io_, topic_dir(name)));
      continue;
    }
    auto config = TopicConfig::decode(protocol::as_string_view(*bytes));
    if (!config) return config.error().with_context(conf_path.string());
    topics.emplace(name, *config);
  }
  return topics;
}

Status TopicStore::create(std::string_view name, const TopicConfig& config) {
  CAIRN_RETURN_IF_ERROR(validate_name(name));
  CAIRN_RETURN_IF_ERROR(config.validate());
  auto dir = topic_dir(name);
  CAIRN_RETURN_IF_ERROR(io_.create_directory(dir));
  CAIRN_RETURN_IF_ERROR(io_.sync_directory(topics_dir_));
  std::string text = config.encode();
  return write_file_atomically(io_, dir / std::string(kConfFile), protocol::as_bytes(text));
}

Status TopicStore::alter(std::string_view name, const TopicConfig& config) {
  CAIRN_RETURN_IF_ERROR(validate_name(name));
  CAIRN_RETURN_IF_ERROR(config.validate());
  auto path = topic_dir(name) / std::string(kConfFile);
  if (!read_whole_file(io_, path)) return Status::not_found("no topic '" + std::string(name) + "'");
  std::string text = config.encode();
  return write_file_atomically(io_, path, protocol::as_bytes(text));
}

Status TopicStore::remove(std::string_view name) {
  auto dir = topic_dir(name);
  CAIRN_RETURN_IF_ERROR(remove_file_if_exists(io_, dir / std::string(kConfFile)));
  CAIRN_RETURN_IF_ERROR(io_.sync_directory(dir));
  CAIRN_RETURN_IF_ERROR(remove_tree(io_, dir));
  return io_.sync_directory(topics_dir_);
}

Status remove_tree(IoBackend& io, const std::filesystem::path& path) {
  auto names = io.list_directory(path);
  if (!names) {
    if (names.error().is_not_found()) return Status::ok();
    return io.remove_file(path);  // not a directory
  }
  for (const std::string& name : *names) {
    auto child = path / name;
    auto sub = io.list_directory(child);
    if (sub) {
      CAIRN_RETURN_IF_ERROR(remove_tree(io, child));
    } else {
      CAIRN_RETURN_IF_ERROR(io.remove_file(child));
    }
  }
  return io.remove_directory(path);
}

}  // namespace cairn::storage
