#include "protocol/kafka/messages/transaction_commit.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(TxnOffsetCommitRequest);
CAIRN_KAFKA_MESSAGE(TxnOffsetCommitResponse);
CAIRN_KAFKA_MESSAGE(WriteTxnMarkersRequest);
CAIRN_KAFKA_MESSAGE(WriteTxnMarkersResponse);

}  // namespace cairn::protocol::kafka
