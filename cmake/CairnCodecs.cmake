# The compression libraries protocol/compression.cc links (Debian: libzstd-dev, liblz4-dev,
# libsnappy-dev, zlib1g-dev). Snappy ships no pkg-config file on every distribution; Debian's has.
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
