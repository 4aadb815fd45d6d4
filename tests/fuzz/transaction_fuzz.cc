// Fuzz target: what the transaction work reads from the network and from disk. The first byte
// picks the reader: 0-10 a transaction API body (requests and responses of AddPartitionsToTxn,
// AddOffsetsToTxn, TxnOffsetCommit, EndTxn, DescribeTransactions, and InitProducerId version
// 1); 11 a control record; 12 a `__transaction_state` record, replayed into a state machine;
// 13 a segment's aborted transactions index (.txnindex), which must encode back to its bytes.
// For the keyed readers the next byte is the key's length (top bit: the value is null). Whatever
// decodes must encode to bytes that decode the same.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "broker/txn/transaction_log_record.h"
#include "broker/txn/transaction_state_machine.h"
#include "protocol/control_record.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/transactions.h"
#include "storage/aborted_txn_index.h"

namespace {

using namespace cairn;
using namespace cairn::protocol;

template <typename T>
void body(Bytes b, uint16_t version = 0) {
  auto decoded = T::decode(b, version);
  if (!decoded) return;
  std::vector<std::byte> once;
  Encoder e1(once);
  decoded->encode(e1, version);
  auto again = T::decode(once, version);
  if (!again) std::abort();
  std::vector<std::byte> twice;
  Encoder e2(twice);
  again->encode(e2, version);
  if (once != twice) std::abort();
}

void control_record(std::optional<Bytes> key, std::optional<Bytes> value) {
  auto r = decode_control_record(key, value);
  if (!r) return;
  auto k = encode_control_key(r->result);
  auto v = encode_control_value(r->coordinator_epoch);
  auto again = decode_control_record(Bytes(k), Bytes(v));
  if (!again || again->result != r->result || again->coordinator_epoch != r->coordinator_epoch) {
    std::abort();
  }
}

void state_record(std::optional<Bytes> key, std::optional<Bytes> value) {
  using namespace cairn::broker::txn;
  auto r = decode_transaction_record(key, value);
  if (!r) return;
  if (r->value) {
    auto k = encode_transaction_key(r->transactional_id);
    auto v = encode_transaction_value(*r->value);
    auto again = decode_transaction_record(Bytes(k), Bytes(v));
    if (!again || again->value != r->value) std::abort();
  }
  TransactionStateMachine machine{TxnLimits{}};
  if (!machine.replay(*r).is_ok()) std::abort();  // the first record of an id may be any state
  machine.expire_timed_out(timestamp_from_millis(INT64_MAX / 2));
  machine.expire_idle(timestamp_from_millis(INT64_MAX / 2));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  Bytes rest(bytes + 1, size - 1);
  if (data[0] % 14 == 13) {
    auto index = storage::AbortedTxnIndex::decode(Offset(0), rest, Offset(INT64_MAX));
    if (index && index->encode() != std::vector<std::byte>(rest.begin(), rest.end())) std::abort();
    if (index) index->overlapping(Offset(0), Offset(INT64_MAX));
    return 0;
  }
  switch (data[0] % 14) {
    case 0: body<AddPartitionsToTxnRequest>(rest); return 0;
    case 1: body<AddPartitionsToTxnResponse>(rest); return 0;
    case 2: body<AddOffsetsToTxnRequest>(rest); return 0;
    case 3: body<AddOffsetsToTxnResponse>(rest); return 0;
    case 4: body<TxnOffsetCommitRequest>(rest); return 0;
    case 5: body<TxnOffsetCommitResponse>(rest); return 0;
    case 6: body<EndTxnRequest>(rest); return 0;
    case 7: body<EndTxnResponse>(rest); return 0;
    case 8: body<DescribeTransactionsRequest>(rest); return 0;
    case 9: body<DescribeTransactionsResponse>(rest); return 0;
    case 10: body<InitProducerIdRequest>(rest, 1); return 0;
    default: break;
  }
  if (rest.empty()) return 0;
  bool null_value = (data[1] & 0x80) != 0;
  size_t key_size = std::min<size_t>(data[1] & 0x7f, rest.size() - 1);
  Bytes key = rest.subspan(1, key_size);
  std::optional<Bytes> value;
  if (!null_value) value = rest.subspan(1 + key_size);
  if (data[0] % 14 == 11) {
    control_record(key, value);
  } else {
    state_record(key, value);
  }
  return 0;
}
