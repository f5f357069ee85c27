// ipo-pairs: SHA-256 (FIPS 180-4), for the digest that ties a continuation to the exact prefix
// record it continued: one digest per prefix record, over about as many bytes as intervene
// writes. With OpenSSL (IPO_PAIRS_HAVE_OPENSSL) `sha256` is libcrypto's, which uses the CPU's
// SHA instructions (5-10x the portable code); otherwise it is sha256_portable below.
#pragma once

#if IPO_PAIRS_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

namespace ipo_pairs {

/// SHA-256 in plain C++.
class sha256_portable {
public:
  sha256_portable& update(std::string_view data) noexcept {
    length_ += data.size();
    while (!data.empty()) {
      std::size_t const take = std::min<std::size_t>(64 - filled_, data.size());
      std::memcpy(block_.data() + filled_, data.data(), take);
      filled_ += take;
      data.remove_prefix(take);
      if (filled_ == 64) {
        compress();
        filled_ = 0;
      }
    }
    return *this;
  }

  /// Feeds `value` as 8 little-endian bytes (for length prefixes).
  sha256_portable& update_u64(std::uint64_t value) noexcept;

  /// The digest as 64 lower-case hex digits. The object is spent afterwards.
  std::string hex() noexcept {
    std::uint64_t const bits = length_ * 8;
    block_[filled_++] = 0x80;
    if (filled_ > 56) {
      while (filled_ < 64) {
        block_[filled_++] = 0;
      }
      compress();
      filled_ = 0;
    }
    while (filled_ < 56) {
      block_[filled_++] = 0;
    }
    for (int k = 7; k >= 0; --k) {
      block_[filled_++] = static_cast<std::uint8_t>(bits >> (8 * k));
    }
    compress();
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t k = 0; k < 8; ++k) {
      for (std::size_t b = 0; b < 4; ++b) {
        std::uint8_t const byte = static_cast<std::uint8_t>(state_[k] >> (24 - 8 * b));
        out[8 * k + 2 * b] = digits[byte >> 4];
        out[8 * k + 2 * b + 1] = digits[byte & 15];
      }
    }
    return out;
  }

private:
  void compress() noexcept {
    static constexpr std::uint32_t round_constants[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    std::uint32_t w[64];
    for (std::size_t t = 0; t < 16; ++t) {
      w[t] = (std::uint32_t{block_[4 * t]} << 24) | (std::uint32_t{block_[4 * t + 1]} << 16) |
             (std::uint32_t{block_[4 * t + 2]} << 8) | std::uint32_t{block_[4 * t + 3]};
    }
    for (std::size_t t = 16; t < 64; ++t) {
      std::uint32_t const s0 =
          std::rotr(w[t - 15], 7) ^ std::rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      std::uint32_t const s1 = std::rotr(w[t - 2], 17) ^ std::rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::array<std::uint32_t, 8> v = state_;
    for (std::size_t t = 0; t < 64; ++t) {
      std::uint32_t const e = v[4];
      std::uint32_t const a = v[0];
      std::uint32_t const t1 = v[7] + (std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25)) +
                               ((e & v[5]) ^ (~e & v[6])) + round_constants[t] + w[t];
      std::uint32_t const t2 = (std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22)) +
                               ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
      v = {t1 + t2, a, v[1], v[2], v[3] + t1, e, v[5], v[6]};
    }
    for (std::size_t k = 0; k < 8; ++k) {
      state_[k] += v[k];
    }
  }

  std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> block_{};
  std::size_t filled_ = 0;
  std::uint64_t length_ = 0;
};

namespace detail {
/// Feeds `value` as 8 little-endian bytes into any hash with update(string_view).
template <class Hash>
Hash& update_u64(Hash& hash, std::uint64_t value) noexcept {
  char bytes[8];
  for (int k = 0; k < 8; ++k) {
    bytes[k] = static_cast<char>((value >> (8 * k)) & 0xFF);
  }
  hash.update(std::string_view(bytes, 8));
  return hash;
}
} // namespace detail

inline sha256_portable& sha256_portable::update_u64(std::uint64_t value) noexcept {
  return detail::update_u64(*this, value);
}

#if IPO_PAIRS_HAVE_OPENSSL
/// SHA-256 by OpenSSL's libcrypto (same interface as sha256_portable).
class sha256_openssl {
public:
  sha256_openssl() : context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(context_);
      throw std::bad_alloc();
    }
  }
  sha256_openssl(sha256_openssl const&) = delete;
  sha256_openssl& operator=(sha256_openssl const&) = delete;
  ~sha256_openssl() { EVP_MD_CTX_free(context_); }

  sha256_openssl& update(std::string_view data) noexcept {
    EVP_DigestUpdate(context_, data.data(), data.size());
    return *this;
  }
  sha256_openssl& update_u64(std::uint64_t value) noexcept {
    return detail::update_u64(*this, value);
  }
  std::string hex() {
    unsigned char digest[32];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_, digest, &length);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t k = 0; k < 32; ++k) {
      out[2 * k] = digits[digest[k] >> 4];
      out[2 * k + 1] = digits[digest[k] & 15];
    }
    return out;
  }

private:
  EVP_MD_CTX* context_;
};
using sha256 = sha256_openssl;
#else
using sha256 = sha256_portable;
#endif

} // namespace ipo_pairs
