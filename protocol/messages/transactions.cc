#include "protocol/messages/transactions.h"

#include "protocol/frame.h"
#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinCount;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

namespace {

void encode_producer(Encoder& e, const TxnProducer& p) {
  e.write_string(p.transactional_id);
  e.write<int64_t>(p.producer_id);
  e.write<int16_t>(p.producer_epoch);
}

TxnProducer decode_producer(Decoder& d) {
  TxnProducer p;
  p.transactional_id = d.read_string("transactional id");
  p.producer_id = d.read<int64_t>("producer id");
  p.producer_epoch = d.read<int16_t>("producer epoch");
  return p;
}

void encode_partition_errors(Encoder& e, const std::vector<TopicPartitionErrors>& topics) {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      write_error(e, p.error);
    }
  }
}

std::vector<TopicPartitionErrors> decode_partition_errors(Decoder& d) {
  std::vector<TopicPartitionErrors> out;
  uint32_t nt = d.read_count("topics", kMinString + kMinCount);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    TopicPartitionErrors t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4 + 2);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      PartitionError p;
      p.partition = d.read<int32_t>("partition");
      p.error = read_error(d);
      t.partitions.push_back(p);
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Topics of a request: at most kMaxNamesPerRequest, each { name string, partitions array of
// i32 }, as SyncGroup's assignment.
std::vector<TopicPartitions> decode_request_topics(Decoder& d) {
  std::vector<TopicPartitions> topics = decode_assignment(d);
  if (d.ok() && topics.size() > limits::kMaxNamesPerRequest) {
    d.fail("topics", "more than " + std::to_string(limits::kMaxNamesPerRequest));
  }
  return topics;
}

}  // namespace

void AddPartitionsToTxnRequest::encode(Encoder& e, uint16_t) const {
  encode_producer(e, producer);
  encode_assignment(e, topics);
}

Result<AddPartitionsToTxnRequest> AddPartitionsToTxnRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  AddPartitionsToTxnRequest r;
  r.producer = decode_producer(d);
  r.topics = decode_request_topics(d);
  return done(d, std::move(r), "AddPartitionsToTxn request");
}

void AddPartitionsToTxnResponse::encode(Encoder& e, uint16_t) const {
  encode_partition_errors(e, topics);
}

Result<AddPartitionsToTxnResponse> AddPartitionsToTxnResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  AddPartitionsToTxnResponse r;
  r.topics = decode_partition_errors(d);
  return done(d, std::move(r), "AddPartitionsToTxn response");
}

void AddOffsetsToTxnRequest::encode(Encoder& e, uint16_t) const {
  encode_producer(e, producer);
  e.write_string(group_id);
}

Result<AddOffsetsToTxnRequest> AddOffsetsToTxnRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  AddOffsetsToTxnRequest r;
  r.producer = decode_producer(d);
  r.group_id = d.read_string("group id");
  return done(d, std::move(r), "AddOffsetsToTxn request");
}

void TxnErrorResponse::encode(Encoder& e, uint16_t) const { write_error(e, error); }

Result<TxnErrorResponse> TxnErrorResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  TxnErrorResponse r;
  r.error = read_error(d);
  return done(d, r, "AddOffsetsToTxn response");
}

void TxnOffsetCommitRequest::encode(Encoder& e, uint16_t) const {
  encode_producer(e, producer);
  e.write_string(group_id);
  e.write<int32_t>(generation);
  e.write_string(member_id);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int64_t>(p.offset);
      e.write_string(p.metadata);
    }
  }
}

Result<TxnOffsetCommitRequest> TxnOffsetCommitRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  TxnOffsetCommitRequest r;
  r.producer = decode_producer(d);
  r.group_id = d.read_string("group id");
  r.generation = d.read<int32_t>("generation");
  r.member_id = d.read_string("member id");
  uint32_t nt = d.read_count("topics", kMinString + kMinCount, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    CommitTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4 + 8 + kMinString);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      CommitPartition p;
      p.partition = d.read<int32_t>("partition");
      p.offset = d.read<int64_t>("offset");
      p.metadata = d.read_string("metadata");
      t.partitions.push_back(std::move(p));
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "TxnOffsetCommit request");
}

void EndTxnRequest::encode(Encoder& e, uint16_t) const {
  encode_producer(e, producer);
  e.write<uint8_t>(static_cast<uint8_t>(result));
}

Result<EndTxnRequest> EndTxnRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  EndTxnRequest r;
  r.producer = decode_producer(d);
  auto result = d.read<uint8_t>("result");
  if (d.ok() && result > static_cast<uint8_t>(TxnResult::kCommit)) {
    d.fail("result", "must be 0 (abort) or 1 (commit)");
  }
  r.result = static_cast<TxnResult>(result);
  return done(d, std::move(r), "EndTxn request");
}

void EndTxnResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write<int64_t>(producer_id);
  e.write<int16_t>(producer_epoch);
}

Result<EndTxnResponse> EndTxnResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  EndTxnResponse r;
  r.error = read_error(d);
  r.producer_id = d.read<int64_t>("producer id");
  r.producer_epoch = d.read<int16_t>("producer epoch");
  return done(d, r, "EndTxn response");
}

void DescribeTransactionsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(transactional_ids.size());
  for (const auto& id : transactional_ids) e.write_string(id);
}

Result<DescribeTransactionsRequest> DescribeTransactionsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeTransactionsRequest r;
  uint32_t n = d.read_count("transactional ids", kMinString, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    r.transactional_ids.push_back(d.read_string("transactional id"));
  }
  return done(d, std::move(r), "DescribeTransactions request");
}

void DescribeTransactionsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(transactions.size());
  for (const auto& t : transactions) {
    write_error(e, t.error);
    e.write_string(t.transactional_id);
    e.write_string(t.state);
    e.write<int64_t>(t.producer_id);
    e.write<int16_t>(t.producer_epoch);
    e.write<int32_t>(t.timeout_ms);
    e.write<int64_t>(t.start_time_ms);
    encode_assignment(e, t.topics);
  }
}

Result<DescribeTransactionsResponse> DescribeTransactionsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeTransactionsResponse r;
  constexpr size_t kMinEntry = 2 + kMinString + kMinString + 8 + 2 + 4 + 8 + kMinCount;
  uint32_t n = d.read_count("transactions", kMinEntry);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    TransactionDescription t;
    t.error = read_error(d);
    t.transactional_id = d.read_string("transactional id");
    t.state = d.read_string("state");
    t.producer_id = d.read<int64_t>("producer id");
    t.producer_epoch = d.read<int16_t>("producer epoch");
    t.timeout_ms = d.read<int32_t>("timeout ms");
    t.start_time_ms = d.read<int64_t>("start time ms");
    t.topics = decode_assignment(d);
    r.transactions.push_back(std::move(t));
  }
  return done(d, std::move(r), "DescribeTransactions response");
}

}  // namespace cairn::protocol
