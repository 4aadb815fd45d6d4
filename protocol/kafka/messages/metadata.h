#pragma once

// Cluster metadata: Metadata (3) and DescribeCluster (60).

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

// Kafka's "authorized operations not requested" value.
inline constexpr int32_t kNoAuthorizedOperations = std::numeric_limits<int32_t>::min();

struct MetadataRequestTopic {
  Uuid topic_id;
  std::optional<std::string> name = "";

  template <class Io>
  void fields(Io& io) {
    io(topic_id, "TopicId", Versions{10});
    io(name, "Name", Versions{0}, Nullable{10});
  }
  bool operator==(const MetadataRequestTopic&) const = default;
};

// Topics: v0 empty means every topic; v1+ null means every topic and empty means none.
struct MetadataRequest {
  static constexpr const ApiSpec& kApi = kMetadataApi;
  std::optional<std::vector<MetadataRequestTopic>> topics = std::vector<MetadataRequestTopic>{};
  bool allow_auto_topic_creation = true;
  bool include_cluster_authorized_operations = false;
  bool include_topic_authorized_operations = false;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{0}, Nullable{1});
    io(allow_auto_topic_creation, "AllowAutoTopicCreation", Versions{4});
    io(include_cluster_authorized_operations, "IncludeClusterAuthorizedOperations",
       Versions{8, 10});
    io(include_topic_authorized_operations, "IncludeTopicAuthorizedOperations", Versions{8});
  }
  bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponseBroker {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;

  template <class Io>
  void fields(Io& io) {
    io(node_id, "NodeId", Versions{0});
    io(host, "Host", Versions{0});
    io(port, "Port", Versions{0});
    io(rack, "Rack", Versions{1}, Nullable{1});
  }
  bool operator==(const MetadataResponseBroker&) const = default;
};

struct MetadataResponsePartition {
  int16_t error_code = 0;
  int32_t partition_index = 0;
  int32_t leader_id = 0;
  int32_t leader_epoch = -1;
  std::vector<int32_t> replica_nodes;
  std::vector<int32_t> isr_nodes;
  std::vector<int32_t> offline_replicas;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(partition_index, "PartitionIndex", Versions{0});
    io(leader_id, "LeaderId", Versions{0});
    io(leader_epoch, "LeaderEpoch", Versions{7});
    io(replica_nodes, "ReplicaNodes", Versions{0});
    io(isr_nodes, "IsrNodes", Versions{0});
    io(offline_replicas, "OfflineReplicas", Versions{5});
  }
  bool operator==(const MetadataResponsePartition&) const = default;
};

struct MetadataResponseTopic {
  int16_t error_code = 0;
  std::optional<std::string> name = "";
  Uuid topic_id;
  bool is_internal = false;
  std::vector<MetadataResponsePartition> partitions;
  int32_t topic_authorized_operations = kNoAuthorizedOperations;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(name, "Name", Versions{0}, Nullable{12});
    io(topic_id, "TopicId", Versions{10});
    io(is_internal, "IsInternal", Versions{1});
    io(partitions, "Partitions", Versions{0});
    io(topic_authorized_operations, "TopicAuthorizedOperations", Versions{8});
  }
  bool operator==(const MetadataResponseTopic&) const = default;
};

struct MetadataResponse {
  static constexpr const ApiSpec& kApi = kMetadataApi;
  int32_t throttle_time_ms = 0;
  std::vector<MetadataResponseBroker> brokers;
  std::optional<std::string> cluster_id;
  int32_t controller_id = -1;
  std::vector<MetadataResponseTopic> topics;
  int32_t cluster_authorized_operations = kNoAuthorizedOperations;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{3});
    io(brokers, "Brokers", Versions{0});
    io(cluster_id, "ClusterId", Versions{2}, Nullable{2});
    io(controller_id, "ControllerId", Versions{1});
    io(topics, "Topics", Versions{0});
    io(cluster_authorized_operations, "ClusterAuthorizedOperations", Versions{8, 10});
    io(error_code, "ErrorCode", Versions{13});
  }
  bool operator==(const MetadataResponse&) const = default;
};

struct DescribeClusterRequest {
  static constexpr const ApiSpec& kApi = kDescribeClusterApi;
  bool include_cluster_authorized_operations = false;
  int8_t endpoint_type = 1;
  bool include_fenced_brokers = false;

  template <class Io>
  void fields(Io& io) {
    io(include_cluster_authorized_operations, "IncludeClusterAuthorizedOperations", Versions{0});
    io(endpoint_type, "EndpointType", Versions{1});
    io(include_fenced_brokers, "IncludeFencedBrokers", Versions{2});
  }
  bool operator==(const DescribeClusterRequest&) const = default;
};

struct DescribeClusterBroker {
  int32_t broker_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
  bool is_fenced = false;

  template <class Io>
  void fields(Io& io) {
    io(broker_id, "BrokerId", Versions{0});
    io(host, "Host", Versions{0});
    io(port, "Port", Versions{0});
    io(rack, "Rack", Versions{0}, Nullable{0});
    io(is_fenced, "IsFenced", Versions{2});
  }
  bool operator==(const DescribeClusterBroker&) const = default;
};

struct DescribeClusterResponse {
  static constexpr const ApiSpec& kApi = kDescribeClusterApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  int8_t endpoint_type = 1;
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<DescribeClusterBroker> brokers;
  int32_t cluster_authorized_operations = kNoAuthorizedOperations;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(endpoint_type, "EndpointType", Versions{1});
    io(cluster_id, "ClusterId", Versions{0});
    io(controller_id, "ControllerId", Versions{0});
    io(brokers, "Brokers", Versions{0});
    io(cluster_authorized_operations, "ClusterAuthorizedOperations", Versions{0});
  }
  bool operator==(const DescribeClusterResponse&) const = default;
};

// decode<MetadataRequest>, allowing for a quirk of librdkafka (2.x): its request for every topic
// at version 9 or later keeps the topics count as the 4-byte placeholder it reserved (zeros)
// instead of the 1-byte compact null, leaving 3 stray zero bytes before the next field. A body
// that fails to decode, at version 9 or later, and starts with 4 zero bytes is decoded again
// without bytes 1 to 3 (Kafka's own broker, which ignores bytes left over, reads the stray zeros
// as the next fields instead).
Result<MetadataRequest> decode_metadata_request(Bytes body, int16_t version, size_t base_offset);

}  // namespace cairn::protocol::kafka
