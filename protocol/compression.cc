#include "protocol/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>

#include "protocol/wire_format.h"

namespace cairn::protocol {

namespace {

// Kafka's snappy framing (xerial snappy-java's SnappyOutputStream): this magic, a big-endian
// version and compatible version (both 1), then blocks of { big-endian i32 length, one raw snappy
// block }, each of at most 32 KiB uncompressed.
constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;
constexpr size_t kXerialBlockSize = size_t{32} * 1024;
// zstd frames may ask for a window of up to 2^31 bytes, which the decoder would allocate before
// producing a byte; frames asking for more than 2^23 (8 MiB) are refused. Producers at the usual
// levels (1 to 9) use at most 2^21 for batch-sized inputs.
constexpr int kZstdWindowLogMax = 23;
// zstd's level 1 with a hash table of 2^12 entries and matches of at least 7 bytes: on JSON
// events in 256 KiB batches it compresses about 25% faster than level 1's defaults for that size
// (whose table of 2^17 entries misses the cache) and slightly smaller; on source code or binaries
// about 12% faster and 8% larger (README, "Compression").
constexpr int kZstdLevel = 1;
constexpr int kZstdHashLog = 12;
constexpr int kZstdMinMatch = 7;
constexpr size_t kMaxInput = batch::kMaxBatchLength;

std::string name_of(Compression codec) { return std::string(compression_name(codec)); }

Status malformed(Compression codec, std::string_view why) {
  return Status::invalid_argument(name_of(codec) + " data is malformed: " + std::string(why));
}

Status too_big(Compression codec, size_t max_bytes) {
  return Status::invalid_argument(name_of(codec) + " data decompresses to more than the limit of " +
                                  std::to_string(max_bytes) + " bytes");
}

// An output buffer that grows by doubling up to one byte past the caller's limit: producing that
// extra byte proves the data is too big without ever allocating more.
class BoundedOutput {
 public:
  BoundedOutput(size_t max_bytes, size_t input_size)
      : cap_(max_bytes == SIZE_MAX ? SIZE_MAX : max_bytes + 1) {
    buffer_.resize(std::min(cap_, std::max<size_t>(input_size * 4, size_t{64} * 1024)));
  }
  std::byte* free_space() { return buffer_.data() + used_; }
  size_t free_size() const { return buffer_.size() - used_; }
  void produced(size_t n) { used_ += n; }
  // Makes room for more output; false once the buffer is at its cap.
  bool grow() {
    if (buffer_.size() >= cap_) return false;
    buffer_.resize(buffer_.size() > cap_ / 2 ? cap_ : std::max<size_t>(buffer_.size() * 2, 1));
    return true;
  }
  size_t size() const { return used_; }
  std::vector<std::byte> take() {
    buffer_.resize(used_);
    return std::move(buffer_);
  }

 private:
  size_t cap_;
  size_t used_ = 0;
  std::vector<std::byte> buffer_;
};

Result<std::vector<std::byte>> finish(Compression codec, BoundedOutput& out, size_t max_bytes) {
  if (out.size() > max_bytes) return too_big(codec, max_bytes);
  return out.take();
}

// One context per thread, reused: creating one costs more than decompressing a small batch.
ZSTD_DCtx* zstd_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(),
                                                                        ZSTD_freeDCtx);
  if (ctx) {
    ZSTD_DCtx_reset(ctx.get(), ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, kZstdWindowLogMax);
  }
  return ctx.get();
}

Result<std::vector<std::byte>> zstd_decompress(Bytes input, size_t max_bytes) {
  constexpr Compression kCodec = Compression::kZstd;
  ZSTD_DCtx* ctx = zstd_dctx();
  if (ctx == nullptr) return Status::unavailable("zstd: cannot create a decompression context");
  // A single frame that states its size, within the limit: decompressed in one call into a
  // buffer of exactly that size (the call fails unless the data is exactly that long).
  unsigned long long claimed = ZSTD_getFrameContentSize(input.data(), input.size());
  if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != ZSTD_CONTENTSIZE_ERROR) {
    if (claimed > max_bytes) return too_big(kCodec, max_bytes);
    size_t frame = ZSTD_findFrameCompressedSize(input.data(), input.size());
    if (!ZSTD_isError(frame) && frame == input.size()) {
      std::vector<std::byte> out(static_cast<size_t>(claimed));
      size_t n = ZSTD_decompressDCtx(ctx, out.data(), out.size(), input.data(), input.size());
      if (ZSTD_isError(n)) return malformed(kCodec, ZSTD_getErrorName(n));
      if (n != out.size()) return malformed(kCodec, "frame shorter than its stated size");
      return out;
    }
  }
  BoundedOutput out(max_bytes, input.size());
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t pending = 1;  // 0 once a frame is complete
  while (in.pos < in.size || pending != 0) {
    if (out.free_size() == 0 && !out.grow()) return too_big(kCodec, max_bytes);
    ZSTD_outBuffer o{out.free_space(), out.free_size(), 0};
    size_t before = in.pos;
    pending = ZSTD_decompressStream(ctx, &o, &in);
    if (ZSTD_isError(pending)) return malformed(kCodec, ZSTD_getErrorName(pending));
    out.produced(o.pos);
    // No input consumed and room left for output: the data ends inside a frame.
    if (pending != 0 && in.pos == in.size && o.pos < o.size && in.pos == before) {
      return malformed(kCodec, "truncated frame");
    }
  }
  return finish(kCodec, out, max_bytes);
}

Result<std::vector<std::byte>> lz4_decompress(Bytes input, size_t max_bytes) {
  constexpr Compression kCodec = Compression::kLz4;
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Status::unavailable("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(
      raw, LZ4F_freeDecompressionContext);
  BoundedOutput out(max_bytes, input.size());
  size_t pos = 0;
  size_t hint = 1;  // 0 once a frame is complete
  while (pos < input.size() || hint != 0) {
    if (out.free_size() == 0 && !out.grow()) return too_big(kCodec, max_bytes);
    size_t dst_size = out.free_size();
    size_t src_size = input.size() - pos;
    hint = LZ4F_decompress(ctx.get(), out.free_space(), &dst_size, input.data() + pos, &src_size,
                           nullptr);
    if (LZ4F_isError(hint)) return malformed(kCodec, LZ4F_getErrorName(hint));
    pos += src_size;
    out.produced(dst_size);
    if (hint != 0 && pos == input.size() && src_size == 0 && dst_size == 0) {
      return malformed(kCodec, "truncated frame");
    }
  }
  return finish(kCodec, out, max_bytes);
}

Result<std::vector<std::byte>> gzip_decompress(Bytes input, size_t max_bytes) {
  constexpr Compression kCodec = Compression::kGzip;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Status::unavailable("gzip: inflateInit2 failed");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, inflateEnd);
  BoundedOutput out(max_bytes, input.size());
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  zs.avail_in = static_cast<uInt>(input.size());
  for (;;) {
    if (out.free_size() == 0 && !out.grow()) return too_big(kCodec, max_bytes);
    size_t room = std::min<size_t>(out.free_size(), UINT32_MAX);
    zs.next_out = reinterpret_cast<Bytef*>(out.free_space());
    zs.avail_out = static_cast<uInt>(room);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.produced(room - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) return malformed(kCodec, "truncated stream");
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return malformed(kCodec, zs.msg != nullptr ? zs.msg : "inflate failed");
    }
  }
  if (zs.avail_in != 0) return malformed(kCodec, "bytes after the end of the stream");
  return finish(kCodec, out, max_bytes);
}

uint32_t load_be32(const std::byte* p) {
  return (uint32_t{std::to_integer<uint8_t>(p[0])} << 24) |
         (uint32_t{std::to_integer<uint8_t>(p[1])} << 16) |
         (uint32_t{std::to_integer<uint8_t>(p[2])} << 8) | uint32_t{std::to_integer<uint8_t>(p[3])};
}

void append_be32(std::vector<std::byte>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::byte(v >> shift));
}

// Decompresses one raw snappy block onto the end of `out`, which stays within max_bytes.
Status snappy_block(Bytes block, std::vector<std::byte>& out, size_t max_bytes) {
  constexpr Compression kCodec = Compression::kSnappy;
  const char* src = reinterpret_cast<const char*>(block.data());
  size_t length = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &length)) {
    return malformed(kCodec, "bad block length");
  }
  if (length > max_bytes - out.size()) return too_big(kCodec, max_bytes);
  size_t at = out.size();
  out.resize(at + length);
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out.data() + at))) {
    return malformed(kCodec, "bad block");
  }
  return Status::ok();
}

Result<std::vector<std::byte>> snappy_decompress(Bytes input, size_t max_bytes) {
  constexpr Compression kCodec = Compression::kSnappy;
  std::vector<std::byte> out;
  bool xerial = input.size() >= kXerialMagic.size() &&
                std::memcmp(input.data(), kXerialMagic.data(), kXerialMagic.size()) == 0;
  if (!xerial) {
    CAIRN_RETURN_IF_ERROR(snappy_block(input, out, max_bytes));
    return out;
  }
  if (input.size() < kXerialHeaderSize) return malformed(kCodec, "truncated xerial header");
  size_t pos = kXerialHeaderSize;
  while (pos < input.size()) {
    if (input.size() - pos < 4) return malformed(kCodec, "truncated xerial block length");
    uint32_t length = load_be32(input.data() + pos);
    pos += 4;
    if (length > input.size() - pos) return malformed(kCodec, "xerial block past the end");
    CAIRN_RETURN_IF_ERROR(snappy_block(input.subspan(pos, length), out, max_bytes));
    pos += length;
  }
  return out;
}

// Compresses through a per-thread scratch buffer of the codec's bound and appends what the codec
// wrote: growing `out` to the bound instead would zero and fault in a bound-sized block for every
// batch, of which a compressing codec keeps a fraction. `codec` writes into (data, capacity) and
// returns the bytes written or an error.
template <typename Codec>
Status append_compressed(size_t bound, std::vector<std::byte>& out, Codec&& codec) {
  thread_local std::vector<std::byte> scratch;
  if (scratch.size() < bound) scratch.resize(bound);
  Result<size_t> n = codec(scratch.data(), bound);
  if (!n) return n.error();
  out.insert(out.end(), scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(*n));
  return Status::ok();
}

// A compression context per thread, reused, with the parameters above.
ZSTD_CCtx* zstd_compression_context() {
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx = [] {
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> c(ZSTD_createCCtx(), ZSTD_freeCCtx);
    if (c && (ZSTD_isError(ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, kZstdLevel)) ||
              ZSTD_isError(ZSTD_CCtx_setParameter(c.get(), ZSTD_c_hashLog, kZstdHashLog)) ||
              ZSTD_isError(ZSTD_CCtx_setParameter(c.get(), ZSTD_c_minMatch, kZstdMinMatch)))) {
      c.reset();
    }
    return c;
  }();
  return ctx.get();
}

Status zstd_compress(Bytes input, std::vector<std::byte>& out) {
  ZSTD_CCtx* ctx = zstd_compression_context();
  if (ctx == nullptr) return Status::unavailable("zstd: cannot create a compression context");
  return append_compressed(
      ZSTD_compressBound(input.size()), out, [&](std::byte* to, size_t capacity) -> Result<size_t> {
        size_t n = ZSTD_compress2(ctx, to, capacity, input.data(), input.size());
        if (ZSTD_isError(n))
          return Status::unavailable(std::string("zstd: ") + ZSTD_getErrorName(n));
        return n;
      });
}

Status lz4_compress(Bytes input, std::vector<std::byte>& out) {
  // Independent 64 KiB blocks and no content size: what Kafka's own lz4 reader accepts.
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  return append_compressed(
      LZ4F_compressFrameBound(input.size(), &prefs), out,
      [&](std::byte* to, size_t capacity) -> Result<size_t> {
        size_t n = LZ4F_compressFrame(to, capacity, input.data(), input.size(), &prefs);
        if (LZ4F_isError(n)) {
          return Status::unavailable(std::string("lz4: ") + LZ4F_getErrorName(n));
        }
        return n;
      });
}

Status gzip_compress(Bytes input, std::vector<std::byte>& out) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::unavailable("gzip: deflateInit2 failed");
  }
  std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&zs, deflateEnd);
  // deflateBound does not count the gzip wrapper's 18 bytes.
  size_t bound = deflateBound(&zs, static_cast<uLong>(input.size())) + 32;
  return append_compressed(bound, out, [&](std::byte* to, size_t capacity) -> Result<size_t> {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());
    zs.next_out = reinterpret_cast<Bytef*>(to);
    zs.avail_out = static_cast<uInt>(capacity);
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
      return Status::unavailable("gzip: deflate did not finish");
    }
    return size_t{zs.total_out};
  });
}

Status snappy_compress(Bytes input, std::vector<std::byte>& out) {
  for (uint8_t b : kXerialMagic) out.push_back(std::byte{b});
  append_be32(out, 1);  // version
  append_be32(out, 1);  // compatible version
  for (size_t pos = 0; pos < input.size(); pos += kXerialBlockSize) {
    size_t n = std::min(kXerialBlockSize, input.size() - pos);
    size_t at = out.size();
    append_be32(out, 0);  // the block's length, known once it is compressed
    CAIRN_RETURN_IF_ERROR(append_compressed(
        snappy::MaxCompressedLength(n), out, [&](std::byte* to, size_t) -> Result<size_t> {
          size_t written = 0;
          snappy::RawCompress(reinterpret_cast<const char*>(input.data() + pos), n,
                              reinterpret_cast<char*>(to), &written);
          return written;
        }));
    size_t written = out.size() - at - 4;
    for (int i = 0; i < 4; ++i) out[at + i] = std::byte(written >> (24 - 8 * i));
  }
  return Status::ok();
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

std::optional<Compression> parse_compression(std::string_view name) {
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                        Compression::kLz4, Compression::kZstd}) {
    if (compression_name(c) == name) return c;
  }
  return std::nullopt;
}

Status compress(Compression codec, Bytes input, std::vector<std::byte>& out) {
  if (input.size() > kMaxInput) {
    return Status::invalid_argument("cannot compress " + std::to_string(input.size()) +
                                    " bytes: more than " + std::to_string(kMaxInput));
  }
  switch (codec) {
    case Compression::kZstd: return zstd_compress(input, out);
    case Compression::kLz4: return lz4_compress(input, out);
    case Compression::kGzip: return gzip_compress(input, out);
    case Compression::kSnappy: return snappy_compress(input, out);
    case Compression::kNone: break;
  }
  return Status::invalid_argument("no codec to compress with: " + name_of(codec));
}

Result<std::vector<std::byte>> decompress(Compression codec, Bytes input, size_t max_bytes) {
  switch (codec) {
    case Compression::kZstd: return zstd_decompress(input, max_bytes);
    case Compression::kLz4: return lz4_decompress(input, max_bytes);
    case Compression::kGzip: return gzip_decompress(input, max_bytes);
    case Compression::kSnappy: return snappy_decompress(input, max_bytes);
    case Compression::kNone: break;
  }
  return Status::invalid_argument("no codec to decompress with: " + name_of(codec));
}

}  // namespace cairn::protocol
