#pragma once

#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::broker {

// The one place a storage or broker Status becomes a wire error code.
protocol::ErrorCode to_error_code(const Status& status);

}  // namespace cairn::broker
