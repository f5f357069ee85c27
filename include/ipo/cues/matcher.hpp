// ipo/cues/matcher.hpp: a compiled multi-phrase matcher for cue lexicons.
//
// Semantics (the naive reference in the tests implements the same, plainly):
// - ASCII letters match case-insensitively; other bytes match themselves;
// - an apostrophe, a double quote or a hyphen in a phrase also matches its typographic forms
//   in the text (U+2018/U+2019, U+201C/U+201D, U+2013/U+2014);
// - a space in a phrase matches any run of ASCII white space (space, tab, CR, LF, VT, FF);
// - a whole-word phrase must not begin right after, nor end right before, an ASCII letter,
//   digit or underscore, on the sides where the phrase itself begins or ends with one;
// - every match of every phrase is reported, overlaps included, ordered by start offset and
//   then phrase id.
//
// Design (FDR-like; docs/matcher.md has the whole of it). Each phrase is anchored on a window
// of its canonical characters (detail/anchor_tables.hpp). A prefilter over SIMD blocks
// classified by detail/block_scan.hpp finds the windows that may hold an anchor: only word
// starts when every anchor begins at one (the default lexicon), else every position; hashed a
// block at a time (detail/window_filter_avx2.hpp, window_filter_avx512.hpp) or one by one.
// Windows near an irregular character (a white-space run, a typographic form) are read
// canonically (detail/canonical_reading.hpp); a candidate is checked against its anchors, then
// verified whole (detail/phrase_verifier.hpp). The scalar path runs an Aho-Corasick automaton
// (detail/phrase_automaton.hpp). Every path returns the naive reference's matches; the path is
// chosen once, when the matcher is built, among those compiled in and, when the consumer links
// ipo::dispatch, its AVX2 / AVX-512 scans (detail/compiled_scans.hpp).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ipo/core/ascii.hpp"
#include "ipo/core/error.hpp"
#include "ipo/cues/cue_match.hpp"
#include "ipo/cues/detail/anchor_tables.hpp"
#include "ipo/cues/detail/block_scan.hpp"
#include "ipo/cues/detail/canonical_reading.hpp"
#include "ipo/cues/detail/compiled_scans.hpp"
#include "ipo/cues/detail/match_sink.hpp"
#include "ipo/cues/detail/phrase_automaton.hpp"
#include "ipo/cues/detail/phrase_verifier.hpp"
#include "ipo/cues/detail/window_filter_avx2.hpp"
#include "ipo/cues/detail/window_filter_avx512.hpp"
#include "ipo/cues/lexicon.hpp"
#include "ipo/simd/dispatch.hpp"
#include "ipo/simd/simd.hpp"

namespace ipo {

/// The compiled matcher (see the top of this file). Immutable after construction, so one
/// matcher may serve many threads.
class phrase_matcher {
public:
  /// Compiles every phrase of `lex`. Phrase ids are lexicon entry ids.
  explicit phrase_matcher(lexicon const& lex)
      : anchors_(compile(lex)), verifier_(anchors_.phrases),
        path_(simd::dispatch_choice<matcher_archs>()), compiled_(choose_compiled_scan(path_)) {
    check_argument(verifier_.packed_bytes() <= std::size_t{0xFFFFFFFF}, "ipo::phrase_matcher",
                   "lex.size()", lex.size(), "a lexicon of fewer than 4 GiB of phrase bytes");
    std::vector<std::string> canonical_texts;
    canonical_texts.reserve(anchors_.phrases.size());
    for (detail::compiled_phrase const& p : anchors_.phrases) {
      canonical_texts.push_back(p.text);
    }
    automaton_.build(canonical_texts); // stays empty past its size budget: then hashes
  }

  /// The architectures find_all() may choose, best first (always ending with scalar). Not
  /// AVX-512F without BW: its byte lanes are emulated, and AVX2 scans 2.5x faster there.
  using matcher_archs = simd::without_arch<simd::compiled_archs, xsimd::avx512f>;

  /// The number of phrases (the lexicon's entries).
  std::size_t size() const noexcept { return anchors_.phrases.size(); }
  /// The canonical form of phrase `id` (what it is matched as).
  std::string const& canonical(std::size_t id) const noexcept { return anchors_.phrases[id].text; }
  /// The anchor of phrase `id`: the canonical window the filter looks for (diagnostics).
  std::string_view anchor(std::size_t id) const noexcept {
    return std::string_view(anchors_.phrases[id].text)
        .substr(anchors_.phrases[id].anchor, anchors_.phrases[id].length);
  }

  /// Whether every anchor begins at a word start (see the top of this file): true when every
  /// phrase has a word character after a non-word one, or is whole-word and begins with a
  /// word character. The scan then looks at word starts only (diagnostics).
  bool anchors_at_word_starts() const noexcept { return anchors_.word_start_anchors; }

  /// Every match in `text`, in text order, written to `out` (cleared first), on the path
  /// chosen when the matcher was built.
  void find_all(std::string_view text, std::vector<cue_match>& out) const {
    out.clear();
    if (compiled_ != nullptr) {
      compiled_->scan(*this, text, out);
      return;
    }
    simd::dispatch_to<matcher_archs>(path_, [&](auto arch) { scan(arch, text, out); });
  }

  /// The path find_all() takes: chosen once, when the matcher is built, as the best
  /// architecture both compiled in (by this translation unit's flags, or by ipo::dispatch when
  /// the consumer links it) and present on the CPU, capped by IPO_FORCE_ARCH (see
  /// ipo/simd/dispatch.hpp). Its name is the architecture's (as simd::arch_name() gives it),
  /// then "+vbmi2" when the AVX-512 scan packs word starts, or "scalar (aho-corasick)" /
  /// "scalar (hash)" for the scalar path.
  std::string path_name() const {
    if (compiled_ != nullptr) {
      return compiled_->path_name(*this);
    }
    return simd::dispatch_to<matcher_archs>(path_, [&](auto arch) { return path_name_on(arch); });
  }

  /// Whether find_all() runs a scan of the compiled library ipo::dispatch (diagnostics).
  bool uses_compiled_scan() const noexcept { return compiled_ != nullptr; }

  /// The name path_name() gives the path on architecture `Arch`, as this translation unit
  /// compiles it. Public so that ipo::dispatch can name the paths it compiled.
  template <class Arch>
  std::string path_name_on(Arch) const {
    if constexpr (std::is_same_v<Arch, simd::scalar>) {
      return automaton_.empty() ? "scalar (hash)" : "scalar (aho-corasick)";
    } else {
      std::string name = simd::arch_name<Arch>();
#if defined(__AVX512VBMI2__)
      if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (anchors_.word_start_anchors && anchors_.filter.usable) { // as scan_word_start_blocks
          name += "+vbmi2";
        }
      }
#endif
      return name;
    }
  }

  /// The scan on one architecture (simd::scalar or any xsimd architecture); appends to `out`
  /// and sorts what it appended. Public so that tests can run every path.
  ///
  /// Memory traffic: the text is read once from memory (each byte by a few overlapping loads
  /// from cache, prefetched 4 KiB ahead), plus the filter's tables (8 KiB bit tables per
  /// anchor length, 8 KiB of anchor buckets, the phrases' packed bytes), which stay in L1/L2.
  template <class Arch>
  void scan(Arch arch, std::string_view text, std::vector<cue_match>& out) const {
    auto const* data = reinterpret_cast<unsigned char const*>(text.data());
    std::size_t const n = text.size();
    std::size_t const first_new = out.size();
    detail::match_sink sink(out);
    scan_into(arch, data, n, sink);
    sink.flush();
    detail::sort_matches(out, first_new);
  }

private:
  /// The scan of ipo::dispatch that find_all() takes instead of the compiled-in `path`: the
  /// widest one the CPU runs, when it is wider than `path` and within IPO_FORCE_ARCH; else none.
  static detail::compiled_scan const* choose_compiled_scan([[maybe_unused]] simd::arch_id path) {
#if defined(IPO_HAS_DISPATCH)
    std::string_view const own = simd::dispatch_to<matcher_archs>(
        path, [](auto arch) -> std::string_view { return simd::arch_name<decltype(arch)>(); });
    for (detail::compiled_scan const& candidate : detail::compiled_scans()) {
      if (candidate.matcher_size == sizeof(phrase_matcher) &&
          simd::library_path_preferred(own, candidate.arch) && candidate.cpu_supports()) {
        return &candidate;
      }
    }
#endif
    return nullptr;
  }

  static std::vector<detail::compiled_phrase> compile(lexicon const& lex) {
    check_argument(lex.size() < (std::size_t{1} << 31), "ipo::phrase_matcher", "lex.size()",
                   lex.size(), "fewer than 2^31 phrases");
    std::vector<detail::compiled_phrase> phrases;
    phrases.reserve(lex.size());
    for (auto const& entry : lex.entries()) {
      phrases.push_back({canonical_phrase(entry.phrase), entry.whole_word});
    }
    return phrases;
  }

  /// Texts up to this size are scanned from a zero-padded copy (see scan_into).
  static constexpr std::size_t kPaddedScan = 4096;

  template <class Arch>
  void scan_into(Arch arch, unsigned char const* data, std::size_t n,
                 detail::match_sink& out) const {
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      // The block loops stop `reach` bytes before the end (their loads read ahead) and leave
      // the rest to the byte-at-a-time tail below, which is most of a short text (a streaming
      // monitor scans a few hundred bytes at a time). A short text is scanned from a copy
      // followed by zeros instead, so the block loops cover all of it: a zero byte is not a
      // word byte, white space or a typographic form, so word boundaries are the same as at
      // the end of the text, and a match that reaches into the zeros (a phrase may hold NUL
      // bytes) is dropped.
      constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
      constexpr std::size_t reach = 2 * block + 8;
      if (n > 0 && n <= kPaddedScan) {
        alignas(64) unsigned char padded[kPaddedScan + reach + 64];
        std::memcpy(padded, data, n);
        std::memset(padded + n, 0, reach + 64);
        out.set_limit(n);
        // The word-start loops run while i + 2 * block + 8 fits: this size ends them after the
        // block that holds the text's last byte, not a block of zeros later (a short text would
        // otherwise pay for a whole block more than it holds).
        std::size_t const blocks_end = (n + block - 1) / block * block;
        scan_into(arch, padded, std::min(n + reach, blocks_end + block + 8), n, out);
        out.set_limit(~std::size_t{0});
        return;
      }
    }
    scan_into(arch, data, n, n, out);
  }

  /// The scan of data[0, n) whose matches lie in [0, text_end): bytes past text_end, if any,
  /// are zeros that only let the block loops read ahead.
  template <class Arch>
  void scan_into(Arch arch, unsigned char const* data, std::size_t n, std::size_t text_end,
                 detail::match_sink& out) const {
    std::size_t i = 0;
    if constexpr (!std::is_same_v<Arch, simd::scalar>) {
      i = anchors_.word_start_anchors ? scan_word_start_blocks(arch, data, n, out)
                                      : scan_position_blocks(arch, data, n, out);
    } else if (!automaton_.empty()) {
      scan_automaton(data, n, out);
      return;
    }
    for (; i < text_end; ++i) { // the tail, or the whole text on the scalar hash path
      if (anchors_.word_start_anchors) {
        if (is_word_byte(data[i]) && (i == 0 || !is_word_byte(data[i - 1]))) {
          if (detail::irregular_window(data, n, i)) {
            check_canonical(data, n, i, out);
          } else {
            check_position(simd::scalar{}, data, n, i, out);
          }
        }
        continue;
      }
      if (!anchors_.event_slots.empty() && detail::is_event(data, n, i)) [[unlikely]] {
        check_event(data, n, i, out);
      }
      check_position(simd::scalar{}, data, n, i, out);
    }
  }

#if defined(__AVX512BW__)
  /// The in-register prefilter on AVX-512BW when the lexicon suits it, else none.
  template <class Arch>
  std::optional<detail::window_filter_avx512> register_filter(Arch) const noexcept {
    std::optional<detail::window_filter_avx512> filter;
    if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
      if (anchors_.filter.usable) {
        filter.emplace(anchors_.filter);
      }
    }
    return filter;
  }
#endif

  /// Word-start mode (every anchor begins at a word start): per block, the word starts whose
  /// 9 bytes from there hold no irregular byte are filtered and checked on their raw bytes,
  /// the others (near a white-space run or a typographic form, rare) read canonically.
  /// Returns where the tail begins.
  template <class Arch>
  std::size_t scan_word_start_blocks(Arch arch, unsigned char const* data, std::size_t n,
                                     detail::match_sink& out) const {
    constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
    static_assert(block <= 64);
    std::size_t i = 0;
    if (n < 2 * block + 8) {
      return i;
    }
#if defined(__AVX512BW__)
    auto const in_registers = register_filter(arch);
#if defined(__AVX512VBMI2__)
    if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
      if (in_registers) {
        return scan_word_starts_staged(arch, data, n, *in_registers, out);
      }
    }
#endif
#endif
    word_start_probes const probes(anchors_);
    detail::word_start_walker<Arch> walker(arch, data);
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, Arch> && block == 32) {
      if (probes.single_bits != nullptr) { // the usual tables: a block's hashes at once
        detail::window_filter_avx2 const filter(probes.single_bits, probes.direct_screen);
        for (; i + 2 * block + 8 <= n; i += block) {
          detail::prefetch_ahead(data, n, i);
          auto const [raw, canonical] = walker.step(arch, data + i);
          for (std::uint64_t s = canonical; s != 0; s &= s - 1) {
            check_canonical(data, n, i + static_cast<std::size_t>(std::countr_zero(s)), out);
          }
          for (std::uint64_t s = filter.candidates(data + i, static_cast<std::uint32_t>(raw));
               s != 0; s &= s - 1) {
            probes.check(arch, *this, data, n, i + static_cast<std::size_t>(std::countr_zero(s)),
                         out);
          }
        }
        return i;
      }
    }
#endif
    for (; i + 2 * block + 8 <= n; i += block) {
      detail::prefetch_ahead(data, n, i);
      auto const [raw, canonical] = walker.step(arch, data + i);
      for (std::uint64_t s = canonical; s != 0; s &= s - 1) {
        check_canonical(data, n, i + static_cast<std::size_t>(std::countr_zero(s)), out);
      }
#if defined(__AVX512BW__)
      if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (in_registers) {
          __mmask32 odd;
          for (std::uint32_t lanes = detail::window_filter_avx512::pairs(raw, odd) &
                                     in_registers->candidates(data + i, odd);
               lanes != 0; lanes &= lanes - 1) {
            auto const k = static_cast<std::size_t>(std::countr_zero(lanes));
            check_position(arch, data, n, i + 2 * k + ((odd >> k) & 1u), out);
          }
          continue;
        }
      }
#endif
      // Without registers for the tables, each word start (about one byte in five) is
      // looked up on its own: cheaper than gathering at every position.
      for (std::uint64_t s = raw; s != 0; s &= s - 1) {
        probes.check(arch, *this, data, n, i + static_cast<std::size_t>(std::countr_zero(s)), out);
      }
    }
    return i;
  }

  /// The word-start lookup (anchor_index::build_word_start_lookup) in locals the loop keeps in
  /// registers, made per scan from pointers only (a short text must not pay for tables). The
  /// few anchors shorter than 8 characters are compared one by one where the window's first
  /// two bytes pass an 8 Ki-bit screen; the others are hashed and their bit tested.
  struct word_start_probes {
    std::array<detail::anchor_table const*, detail::kAnchorLengths.size()> hashed;
    std::size_t hashed_count = 0;
    std::span<detail::anchor_entry const> direct;
    std::uint64_t const* direct_screen;
    std::uint32_t const* single_bits = nullptr; // the bits of the only hashed table, length 8

    explicit word_start_probes(detail::anchor_index const& anchors)
        : direct(anchors.direct_anchors), direct_screen(anchors.direct_screen.data()) {
      for (std::uint8_t const k : anchors.hashed_tables) {
        hashed[hashed_count++] = &anchors.tables[k];
      }
      if (hashed_count == 1 && hashed[0]->length == 8) {
        single_bits = hashed[0]->bits.data();
      }
    }

    /// check_position() for a word start p with p + 8 <= n.
    template <class Arch>
    IPO_INLINE void check(Arch arch, phrase_matcher const& m, unsigned char const* data,
                          std::size_t n, std::size_t p, detail::match_sink& out) const {
      std::uint64_t const raw = detail::load8(data + p);
      std::uint32_t const k = detail::anchor_index::direct_screen_key(raw);
      bool const maybe_direct = ((direct_screen[k >> 6] >> (k & 63)) & 1u) != 0;
      std::uint32_t const low = static_cast<std::uint32_t>(raw) | detail::kFold;
      std::uint32_t const high = static_cast<std::uint32_t>(raw >> 32) | detail::kFold;
      if (single_bits != nullptr) {
        std::uint32_t const h = detail::hash8(low, high);
        bool const maybe_long = detail::bit_at(single_bits, h);
        if (!(maybe_direct | maybe_long)) [[likely]] {
          return;
        }
        if (maybe_long) {
          m.verify_anchors_in_window(arch, hashed[0]->anchors_of(h), raw, data, n, p, out);
        }
      } else {
        for (std::size_t t = 0; t < hashed_count; ++t) {
          detail::anchor_table const& table = *hashed[t];
          std::uint32_t const h = detail::hash(table, low, high);
          if (detail::has_bit(table, h)) [[unlikely]] {
            m.verify_anchors_in_window(arch, table.anchors_of(h), raw, data, n, p, out);
          }
        }
      }
      if (maybe_direct) {
        m.verify_anchors_in_window(arch, direct, raw, data, n, p, out);
      }
    }
  };

#if defined(__AVX512VBMI2__)
  /// scan_word_start_blocks() with the in-register filter on AVX-512 VBMI2: per chunk of 64
  /// blocks, the raw word-start windows are hashed and packed (one block at a time), then
  /// looked up 32 at a time, and the candidates checked in text order together with the
  /// windows read canonically.
  template <class Arch>
  std::size_t scan_word_starts_staged(Arch arch, unsigned char const* data, std::size_t n,
                                      detail::window_filter_avx512 const& filter,
                                      detail::match_sink& out) const {
    constexpr std::size_t block = 64;
    using staged_windows = detail::window_filter_avx512::staged_windows;
    constexpr std::size_t kChunkBlocks = staged_windows::capacity / (block / 2);
    static_assert(kChunkBlocks * block <= 65536, "offsets in a chunk fit 16 bits");
    // Per thread, not per call: 16 KiB allocated and zeroed per scan cost more than a short
    // step's scan (lanes past `count` are masked out, so stale contents are never used).
    static thread_local staged_windows staged_storage;
    staged_windows* const staged = &staged_storage;
    staged->count = 0;
    std::array<std::uint16_t, staged_windows::capacity> canonical, raw, raw_hash;
    detail::word_start_walker<Arch> walker(arch, data);
    std::size_t i = 0;
    while (i + 2 * block + 8 <= n) {
      std::size_t const chunk = i;
      std::size_t canonical_count = 0;
      for (std::size_t b = 0; b < kChunkBlocks && i + 2 * block + 8 <= n; ++b, i += block) {
        detail::prefetch_ahead(data, n, i);
        auto const [raw_starts, canonical_starts] = walker.step(arch, data + i);
        auto const offset = static_cast<std::uint16_t>(i - chunk);
        for (std::uint64_t s = canonical_starts; s != 0; s &= s - 1) {
          canonical[canonical_count++] = static_cast<std::uint16_t>(offset + std::countr_zero(s));
        }
        filter.stage(data + i, raw_starts, offset, *staged);
      }
      std::size_t raw_count = 0;
      filter.drain(*staged, [&](std::uint16_t p, std::uint16_t h) {
        raw[raw_count] = p;
        raw_hash[raw_count++] = h;
      });
      for (std::size_t c = 0, r = 0; c < canonical_count || r < raw_count;) {
        if (r == raw_count || (c < canonical_count && canonical[c] < raw[r])) {
          check_canonical(data, n, chunk + canonical[c++], out);
        } else {
          check_filtered(arch, data, n, chunk + raw[r], raw_hash[r], out);
          ++r;
        }
      }
    }
    return i;
  }

  /// A raw window that passed the in-register filter with hash h: the phrases whose long
  /// anchor has that hash, and those whose short anchor the window begins with, are verified
  /// (the whole phrase is compared, anchor included). Reads text[p..p+7].
  template <class Arch>
  IPO_INLINE void check_filtered(Arch arch, unsigned char const* data, std::size_t n, std::size_t p,
                                 std::uint16_t h, detail::match_sink& out) const {
    using tables = detail::window_filter_tables;
    for (std::uint16_t e = anchors_.filter.first_long.empty()
                               ? tables::kNone
                               : anchors_.filter.first_long[h % tables::kBuckets];
         e != tables::kNone; e = anchors_.filter.long_anchors[e].next) {
      if (anchors_.filter.long_anchors[e].hash == h) {
        verifier_.verify_at_anchor(arch, anchors_.filter.long_anchors[e].phrase, data, n, p, out);
      }
    }
    if (!anchors_.filter.short_anchors.empty()) {
      std::uint32_t const folded =
          static_cast<std::uint32_t>(detail::load8(data + p)) | detail::kFold;
      for (detail::short_anchor const& a : anchors_.filter.short_anchors) {
        std::uint32_t const mask = a.first_mask | (std::uint32_t{a.second_mask} << 16);
        if ((folded & mask) == (a.first | (std::uint32_t{a.second} << 16))) {
          verifier_.verify_at_anchor(arch, a.phrase, data, n, p, out);
        }
      }
    }
  }
#endif

  /// Every-position mode: the hash filter at every position, and the events among the bytes.
  /// Returns where the tail begins.
  template <class Arch>
  std::size_t scan_position_blocks(Arch arch, unsigned char const* data, std::size_t n,
                                   detail::match_sink& out) const {
    constexpr std::size_t block = xsimd::batch<std::uint8_t, Arch>::size;
    bool const with_events = !anchors_.event_slots.empty();
    bool previous_space = false; // whether the byte before the block is white space
#if defined(__AVX512BW__)
    auto const in_registers = register_filter(arch);
#endif
    std::size_t i = 0;
    for (; i + block + 8 <= n; i += block) {
      detail::prefetch_ahead(data, n, i);
      if (with_events) {
        check_block_events(arch, data, n, i, previous_space, out);
      }
#if defined(__AVX512BW__)
      if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
        if (in_registers) {
          for (std::size_t parity = 0; parity < 2; ++parity) {
            for (std::uint64_t lanes = in_registers->candidates(data + i + parity); lanes != 0;
                 lanes &= lanes - 1) {
              check_position(arch, data, n,
                             i + 2 * static_cast<std::size_t>(std::countr_zero(lanes)) + parity,
                             out);
            }
          }
          continue;
        }
      }
#endif
      for_gather_candidates(arch, data + i,
                            [&](std::size_t j) { check_position(arch, data, n, i + j, out); });
    }
    return i;
  }

  /// Calls f(j) for each position j of the block at data whose window may hold an anchor:
  /// the window at 4k + m is lane k of the loads at m (its first 4 bytes) and m + 4 (the next
  /// 4); each active table's bit is fetched for all lanes with one gather. Reads data[0..B+7].
  template <class Arch, class F>
  void for_gather_candidates(Arch, unsigned char const* data, F&& f) const {
    using words = xsimd::batch<std::uint32_t, Arch>;
    static_assert(4 * words::size == xsimd::batch<std::uint8_t, Arch>::size);
    words const fold(detail::kFold), first_multiplier(detail::kAnchorMultiplier1),
        second_multiplier(detail::kAnchorMultiplier2), low5(31u), one(1u), zero(0u);
    for (std::size_t m = 0; m < 4; ++m) {
      words const low =
          words::load_unaligned(reinterpret_cast<std::uint32_t const*>(data + m)) | fold;
      words const product = low * first_multiplier;
      words high_term = zero;
      if (anchors_.long_anchors) {
        high_term =
            (words::load_unaligned(reinterpret_cast<std::uint32_t const*>(data + m + 4)) | fold) *
            second_multiplier;
      }
      words hit = zero;
      for (std::uint8_t const k : anchors_.active) {
        detail::anchor_table const& t = anchors_.tables[k];
        words const h = t.length == 8   ? (product + high_term) >> 16
                        : t.length == 4 ? product >> 16
                                        : ((low & words(t.low_mask)) * first_multiplier) >> 16;
        words const word = simd::gather(t.bits.data(), h >> 5);
        hit = hit | ((word >> (h & low5)) & one);
      }
      for (std::uint64_t lanes = simd::to_bitmask(hit != zero); lanes != 0; lanes &= lanes - 1) {
        f(4 * static_cast<std::size_t>(std::countr_zero(lanes)) + m);
      }
    }
  }

  /// Looks up canonical characters `window` (the first in the low byte; those past the
  /// table's anchor length are ignored) in table t, and verifies each anchor equal to them
  /// as found at text offset p.
  void check_canonical_window(detail::anchor_table const& t, std::uint64_t window,
                              unsigned char const* data, std::size_t n, std::size_t p,
                              detail::match_sink& out) const {
    std::uint64_t const w =
        t.length == 8 ? window : window & ((std::uint64_t{1} << (8 * t.length)) - 1);
    std::uint32_t const h = detail::hash(t, static_cast<std::uint32_t>(w) | detail::kFold,
                                         static_cast<std::uint32_t>(w >> 32) | detail::kFold);
    if (!detail::has_bit(t, h)) {
      return;
    }
    for (detail::anchor_entry const& a : t.anchors_of(h)) {
      if (a.bytes == w) {
        verifier_.verify(a.phrase, data, n, p, out);
      }
    }
  }

  /// The window at p read canonically (up to 8 characters) and looked up in every table.
  void check_canonical(unsigned char const* data, std::size_t n, std::size_t p,
                       detail::match_sink& out) const {
    std::uint64_t window = 0;
    std::uint32_t count = 0; // characters read, all of which some anchor has at their offset
    for (std::size_t t = p; count < 8 && t < n; ++count) {
      unsigned char const c = detail::next_character(data, n, t);
      if (((anchors_.anchor_characters[count][c >> 6] >> (c & 63)) & 1u) == 0) {
        break; // most windows here end a paragraph, and anchors seldom hold its end
      }
      window |= std::uint64_t{c} << (8 * count);
    }
    for (std::uint8_t const k : anchors_.active) {
      detail::anchor_table const& t = anchors_.tables[k];
      if (t.length > count) {
        continue;
      }
      check_canonical_window(t, window, data, n, p, out);
    }
  }

  /// Tests the raw window at p against every anchor length: an anchor is found where the text
  /// bytes equal it up to letter case, i.e. where every character of the window is regular.
  template <class Arch>
  IPO_INLINE void check_position(Arch arch, unsigned char const* data, std::size_t n, std::size_t p,
                                 detail::match_sink& out) const {
    std::uint64_t const raw = detail::window_at(data, n, p);
    std::uint32_t const low = static_cast<std::uint32_t>(raw) | detail::kFold;
    std::uint32_t const high = static_cast<std::uint32_t>(raw >> 32) | detail::kFold;
    for (std::uint8_t const k : anchors_.active) {
      detail::anchor_table const& t = anchors_.tables[k];
      std::uint32_t const h = detail::hash(t, low, high);
      if (detail::has_bit(t, h) && p + t.length <= n) [[unlikely]] {
        verify_anchors_in_window(arch, t.anchors_of(h), raw, data, n, p, out);
      }
    }
  }

  /// Verifies, at p, the phrase of each of `anchors` that the raw window there (`raw`, the 8
  /// bytes from p) holds up to letter case.
  template <class Arch>
  IPO_INLINE void verify_anchors_in_window(Arch arch, std::span<detail::anchor_entry const> anchors,
                                           std::uint64_t raw, unsigned char const* data,
                                           std::size_t n, std::size_t p,
                                           detail::match_sink& out) const {
    for (detail::anchor_entry const& a : anchors) {
      if (((raw | a.letters) & a.mask) == a.bytes) {
        verifier_.verify_at_anchor(arch, a.phrase, data, n, p, out);
      }
    }
  }

  /// The events among the bytes of one SIMD batch at text[i] (the text holds a byte after
  /// them): each start of a white-space run other than one ' ' and each possible typographic
  /// form goes to detail::is_event(), then check_event(). `previous_space` carries whether the byte
  /// before the batch is white space from one call to the next.
  template <class Arch>
  void check_block_events(Arch, unsigned char const* data, std::size_t n, std::size_t i,
                          bool& previous_space, detail::match_sink& out) const {
    using bytes = xsimd::batch<std::uint8_t, Arch>;
    constexpr std::size_t block = bytes::size;
    bytes const b = bytes::load_unaligned(data + i);
    std::uint64_t const space = simd::to_bitmask(b == bytes(std::uint8_t(' ')));
    std::uint64_t const white =
        space | simd::to_bitmask((b - bytes(std::uint8_t('\t'))) < bytes(std::uint8_t(5)));
    std::uint64_t const before = (white << 1) | std::uint64_t{previous_space};
    std::uint64_t const after =
        (white >> 1) | (std::uint64_t{is_ascii_space(data[i + block])} << (block - 1));
    std::uint64_t events =
        (white & ~before & (~space | after)) | simd::to_bitmask(b == bytes(std::uint8_t(0xE2)));
    previous_space = ((white >> (block - 1)) & 1u) != 0;
    for (; events != 0; events &= events - 1) {
      std::size_t const position = i + static_cast<std::size_t>(std::countr_zero(events));
      if (detail::is_event(data, n, position)) [[unlikely]] {
        check_event(data, n, position, out);
      }
    }
  }

  /// The scalar path: the automaton reads the text's canonical characters once; each phrase
  /// ending at a character starts `length` characters back (a ring of character offsets).
  void scan_automaton(unsigned char const* data, std::size_t n, detail::match_sink& out) const {
    constexpr std::size_t kRing = 512;
    static_assert(kRing >= max_phrase_bytes, "a phrase has at most max_phrase_bytes characters");
    std::array<std::size_t, kRing> starts{};
    std::uint32_t state = 0;
    std::size_t count = 0;
    for (std::size_t t = 0; t < n;) {
      std::size_t const start = t;
      state = automaton_.next(state, detail::next_character(data, n, t));
      starts[count++ & (kRing - 1)] = start;
      for (std::uint32_t const id : automaton_.outputs(state)) {
        verifier_.finish_match(id, data, n, starts[(count - verifier_.length(id)) & (kRing - 1)], t,
                               out);
      }
    }
  }

  /// At an irregular character starting at text[p]: decodes the canonical characters around
  /// it (backwards while they are regular, so that a window is looked at only from its first
  /// irregular character) and tests each anchor window that can hold it.
  void check_event(unsigned char const* data, std::size_t n, std::size_t p,
                   detail::match_sink& out) const {
    std::uint64_t before = 0; // the regular characters before p, the nearest in the top byte
    std::array<std::size_t, 8> start{};
    start[0] = p;
    std::uint32_t regular = 0;
    for (std::size_t t = p; regular < anchors_.back_reach && t > 0;) {
      std::size_t const end = t;
      unsigned char const c = detail::previous_character(data, t);
      if (end - t != 1 || (c == ' ' && data[t] != ' ')) {
        break;
      }
      before |= std::uint64_t{c} << (8 * (7 - regular));
      start[++regular] = t;
    }
    std::uint64_t after = 0; // the characters from p on, the first in the low byte
    std::uint32_t ahead = 0;
    for (std::size_t t = p; ahead < 8 && t < n; ++ahead) {
      after |= std::uint64_t{detail::next_character(data, n, t)} << (8 * ahead);
    }
    for (detail::event_slot const slot : anchors_.event_slots) {
      detail::anchor_table const& t = anchors_.tables[slot.table];
      std::uint32_t const q = slot.offset;
      if (q > regular || t.length - q > ahead) {
        continue;
      }
      check_canonical_window(t, q == 0 ? after : (before >> (8 * (8 - q))) | (after << (8 * q)),
                             data, n, start[q], out);
    }
  }

  detail::anchor_index anchors_;          // the phrases, their anchors and the filter tables
  detail::phrase_verifier verifier_;      // the exact check
  detail::phrase_automaton automaton_;    // the scalar path (empty for a huge lexicon)
  simd::arch_id path_;                    // the compiled-in path find_all() takes, unless:
  detail::compiled_scan const* compiled_; // the ipo::dispatch scan it takes instead, or null
};

} // namespace ipo
