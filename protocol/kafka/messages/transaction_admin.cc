#include "protocol/kafka/messages/transaction_admin.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(DescribeTransactionsRequest);
CAIRN_KAFKA_MESSAGE(DescribeTransactionsResponse);
CAIRN_KAFKA_MESSAGE(ListTransactionsRequest);
CAIRN_KAFKA_MESSAGE(ListTransactionsResponse);
CAIRN_KAFKA_MESSAGE(DescribeProducersRequest);
CAIRN_KAFKA_MESSAGE(DescribeProducersResponse);

}  // namespace cairn::protocol::kafka
