#pragma once

// The whole client API in one include: Producer, Consumer, Admin, their records and configs,
// the key partitioner, and Status/Result.

#include "cairn/admin.h"        // IWYU pragma: export
#include "cairn/consumer.h"     // IWYU pragma: export
#include "cairn/partitioner.h"  // IWYU pragma: export
#include "cairn/producer.h"     // IWYU pragma: export
#include "cairn/record.h"       // IWYU pragma: export
#include "cairn/sasl.h"         // IWYU pragma: export
#include "cairn/status.h"       // IWYU pragma: export
#include "cairn/tls.h"          // IWYU pragma: export
