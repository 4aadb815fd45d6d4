#pragma once

// Every metric cairnd exports, in one place: name, type, labels, unit and help. The broker
// registers series of these descriptors (registry.h) and only ever increments, sets or observes
// them; nothing else defines a metric name. The top-level README ("Monitoring") has the same list
// as a table, and the Grafana dashboard (tools/grafana/) may use only these names.

#include <span>

#include "broker/metrics/descriptor.h"

namespace cairn::broker::metrics::catalogue {

inline constexpr Label kTopicLabel[] = {Label::kTopic};
inline constexpr Label kApiLabel[] = {Label::kApi};
inline constexpr Label kGroupLabel[] = {Label::kGroup};
inline constexpr Label kOperationLabel[] = {Label::kOperation};
inline constexpr Label kVersionLabel[] = {Label::kVersion};
inline constexpr Label kFollowerLabel[] = {Label::kFollower};
inline constexpr Label kPartitionLabels[] = {Label::kTopic, Label::kPartition};
inline constexpr Label kGroupPartitionLabels[] = {Label::kGroup, Label::kTopic, Label::kPartition};
inline constexpr Label kFollowerPartitionLabels[] = {Label::kFollower, Label::kTopic,
                                                     Label::kPartition};

// Seconds, from 50 µs (an fsync on a fast disk) to 30 s (a long-polling fetch).
inline constexpr double kLatencyBuckets[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                             0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                             0.5,     1,      2.5,     5,      10,    30};
// Appends that shared one fsync.
inline constexpr double kBatchBuckets[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

inline constexpr std::span<const Label> kUnlabelled{};

// Throughput, per topic.
inline constexpr Descriptor kRecordsIn{
    "cairn_records_in_total", MetricType::kCounter,
    "Records appended to the topic by produce requests.", "records", kTopicLabel, {}};
inline constexpr Descriptor kBytesIn{
    "cairn_produced_bytes_total", MetricType::kCounter,
    "Batch bytes appended to the topic by produce requests.", "bytes", kTopicLabel, {}};
inline constexpr Descriptor kRecordsOut{
    "cairn_records_out_total", MetricType::kCounter,
    "Records returned from the topic by fetch requests.", "records", kTopicLabel, {}};
inline constexpr Descriptor kBytesOut{
    "cairn_fetched_bytes_total", MetricType::kCounter,
    "Batch bytes returned from the topic by fetch requests.", "bytes", kTopicLabel, {}};

// Requests, per API (the wire API's name: produce, fetch, ...).
inline constexpr Descriptor kRequests{
    "cairn_requests_total", MetricType::kCounter, "Requests answered, by API.", "", kApiLabel, {}};
inline constexpr Descriptor kRequestErrors{
    "cairn_request_errors_total", MetricType::kCounter,
    "Requests answered with an error (any error code in the response), by API.", "", kApiLabel,
    {}};
inline constexpr Descriptor kRequestDuration{
    "cairn_request_duration_seconds", MetricType::kHistogram,
    "Time from a request's frame being read to its response being queued, by API.", "seconds",
    kApiLabel, kLatencyBuckets};

// Durability.
inline constexpr Descriptor kProduceDurableDuration{
    "cairn_produce_durable_duration_seconds", MetricType::kHistogram,
    "Time from a produce request's batch being appended to it being durable (fsynced).",
    "seconds", kUnlabelled, kLatencyBuckets};
inline constexpr Descriptor kFsyncDuration{
    "cairn_fsync_duration_seconds", MetricType::kHistogram, "Duration of one log fsync.",
    "seconds", kUnlabelled, kLatencyBuckets};
inline constexpr Descriptor kGroupCommitBatch{
    "cairn_group_commit_batch_appends", MetricType::kHistogram,
    "Appends made durable by one fsync (group commit).", "appends", kUnlabelled, kBatchBuckets};
inline constexpr Descriptor kStorageErrors{
    "cairn_storage_errors_total", MetricType::kCounter,
    "Storage operations that failed, by operation (append, fsync, read, roll, truncate, delete, "
    "open).",
    "", kOperationLabel, {}};
inline constexpr Descriptor kRecoveryDuration{
    "cairn_recovery_duration_seconds", MetricType::kGauge,
    "Time the last start spent recovering partitions before serving.", "seconds", kUnlabelled,
    {}};

// Connections and memory.
inline constexpr Descriptor kConnections{
    "cairn_connections", MetricType::kGauge, "Client connections open now.", "", kUnlabelled, {}};
inline constexpr Descriptor kConnectionsAccepted{
    "cairn_connections_accepted_total", MetricType::kCounter, "Client connections accepted.", "",
    kUnlabelled, {}};
inline constexpr Descriptor kConnectionsRejected{
    "cairn_connections_rejected_total", MetricType::kCounter,
    "Client connections closed at once because a connection limit was reached.", "", kUnlabelled,
    {}};
inline constexpr Descriptor kRequestMemory{
    "cairn_request_memory_bytes", MetricType::kGauge,
    "Memory held by requests and responses in flight.", "bytes", kUnlabelled, {}};
inline constexpr Descriptor kRequestMemoryBudget{
    "cairn_request_memory_budget_bytes", MetricType::kGauge,
    "The budget for memory held by requests and responses in flight.", "bytes", kUnlabelled, {}};

// Partitions, per topic and partition.
inline constexpr Descriptor kLogStartOffset{
    "cairn_partition_log_start_offset", MetricType::kGauge,
    "The partition's first offset still stored.", "", kPartitionLabels, {}};
inline constexpr Descriptor kLogEndOffset{
    "cairn_partition_log_end_offset", MetricType::kGauge,
    "The offset the partition's next record will get.", "", kPartitionLabels, {}};
inline constexpr Descriptor kHighWatermark{
    "cairn_partition_high_watermark", MetricType::kGauge,
    "The offset up to which consumers may read.", "", kPartitionLabels, {}};
inline constexpr Descriptor kPartitionSize{
    "cairn_partition_size_bytes", MetricType::kGauge, "Bytes of the partition's log segments.",
    "bytes", kPartitionLabels, {}};
inline constexpr Descriptor kPartitionSegments{
    "cairn_partition_segments", MetricType::kGauge, "Log segments the partition has.", "",
    kPartitionLabels, {}};
inline constexpr Descriptor kPartitionOffline{
    "cairn_partition_offline", MetricType::kGauge,
    "1 when the partition takes no writes (a storage failure, recovery), else 0.", "",
    kPartitionLabels, {}};

// Consumer groups, per group, topic and partition.
inline constexpr Descriptor kGroupCommittedOffset{
    "cairn_group_committed_offset", MetricType::kGauge,
    "The group's committed offset on the partition.", "", kGroupPartitionLabels, {}};
inline constexpr Descriptor kGroupLagRecords{
    "cairn_group_lag_records", MetricType::kGauge,
    "Records between the group's committed offset and the partition's high watermark.", "records",
    kGroupPartitionLabels, {}};
inline constexpr Descriptor kGroupLagSeconds{
    "cairn_group_lag_seconds", MetricType::kGauge,
    "Age of the first record the group has not consumed (0 when it has consumed everything).",
    "seconds", kGroupPartitionLabels, {}};
inline constexpr Descriptor kGroupMembers{
    "cairn_group_members", MetricType::kGauge, "Members the group has now.", "", kGroupLabel, {}};

// Replication, per follower (exported once replication exists).
inline constexpr Descriptor kReplicationLagRecords{
    "cairn_replication_lag_records", MetricType::kGauge,
    "Records between the leader's log end and the follower's position on the partition.",
    "records", kFollowerPartitionLabels, {}};
inline constexpr Descriptor kReplicationLagSeconds{
    "cairn_replication_lag_seconds", MetricType::kGauge,
    "Time since the follower was last caught up with the leader on every partition.", "seconds",
    kFollowerLabel, {}};

// The broker itself.
inline constexpr Descriptor kBuildInfo{
    "cairn_build_info", MetricType::kGauge, "Always 1; the version label names the build.", "",
    kVersionLabel, {}};
inline constexpr Descriptor kSeriesDropped{
    "cairn_metrics_series_dropped_total", MetricType::kCounter,
    "Series not exported because their metric had reached its series limit.", "", kUnlabelled,
    {}};

inline constexpr const Descriptor* kAll[] = {
    &kRecordsIn,           &kBytesIn,
    &kRecordsOut,          &kBytesOut,
    &kRequests,            &kRequestErrors,
    &kRequestDuration,     &kProduceDurableDuration,
    &kFsyncDuration,       &kGroupCommitBatch,
    &kStorageErrors,       &kRecoveryDuration,
    &kConnections,         &kConnectionsAccepted,
    &kConnectionsRejected, &kRequestMemory,
    &kRequestMemoryBudget, &kLogStartOffset,
    &kLogEndOffset,        &kHighWatermark,
    &kPartitionSize,       &kPartitionSegments,
    &kPartitionOffline,    &kGroupCommittedOffset,
    &kGroupLagRecords,     &kGroupLagSeconds,
    &kGroupMembers,        &kReplicationLagRecords,
    &kReplicationLagSeconds, &kBuildInfo,
    &kSeriesDropped,
};

// The descriptor named `name`, or null.
const Descriptor* find(std::string_view name);

}  // namespace cairn::broker::metrics::catalogue
