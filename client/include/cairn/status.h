#pragma once

// The vocabulary every client call speaks: Status and Result<T> (errors as values, never
// exceptions; CAIRN_RETURN_IF_ERROR) and Timestamp. They are the protocol's own vocabulary
// headers, which the package installs next to the client's.

#include "protocol/status.h"  // IWYU pragma: export
#include "protocol/types.h"   // IWYU pragma: export
