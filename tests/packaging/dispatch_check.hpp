// What a consumer of ipo::dispatch checks: the matcher finds the hand-worked matches of a
// text long enough for the SIMD block loops, and takes the widest path the CPU has.
#pragma once

#include <ipo/cues/lexicon.hpp>
#include <ipo/cues/matcher.hpp>

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace dispatch_check {

// "I\xE2\x80\x99ll start by" (typographic apostrophe) and "here's   how" (a white-space run)
// match the lexicon's "I'll start by" and "here's how"; "I'll starting" does not (whole word).
inline std::string const sentence =
    "Okay. I\xE2\x80\x99ll start by listing it; here's   how. I'll starting now.\n"; // 67 bytes
inline constexpr std::size_t repeats = 100;                                          // 6,700 bytes

inline ipo::lexicon lexicon() {
  ipo::lexicon lex;
  lex.add({"I'll start by", ipo::cue_kind::compliance, 1.0f, true});
  lex.add({"here's how", ipo::cue_kind::compliance, 1.0f, true});
  return lex;
}

inline std::string text() {
  std::string t;
  for (std::size_t k = 0; k < repeats; ++k) {
    t += sentence;
  }
  return t;
}

// By hand: per sentence, phrase 0 at [6, 21) (the apostrophe is 3 bytes), phrase 1 at [34, 46).
inline bool matches_are_right(std::vector<ipo::cue_match> const& got) {
  if (sentence.size() != 67 || got.size() != 2 * repeats) {
    std::printf("expected %zu matches, got %zu\n", 2 * repeats, got.size());
    return false;
  }
  for (std::size_t k = 0; k < repeats; ++k) {
    std::size_t const base = k * sentence.size();
    ipo::cue_match const& a = got[2 * k];
    ipo::cue_match const& b = got[2 * k + 1];
    if (a.phrase != 0 || a.span.begin != base + 6 || a.span.end != base + 21 || b.phrase != 1 ||
        b.span.begin != base + 34 || b.span.end != base + 46) {
      std::printf("sentence %zu: wrong matches\n", k);
      return false;
    }
  }
  return true;
}

// The rank of the widest path the CPU has among the x86-64 ones (4 AVX-512BW, 3 AVX2, 1 SSE2),
// from the compiler's cpuid builtin.
inline int widest_rank() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq")) {
    return 4;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return 3;
  }
  return 1;
}

// The rank of a path name as phrase_matcher::path_name() or loss::row_kernel_path() give it.
inline int rank_of(std::string name) {
  if (name.ends_with("+vbmi2")) {
    name.resize(name.size() - 6);
  }
  if (name.ends_with("+bf16")) {
    name.resize(name.size() - 5);
  }
  return ipo::simd::x86_path_rank(name);
}

} // namespace dispatch_check
