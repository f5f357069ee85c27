// ipo/simd/dispatch.hpp: architecture tags and run-time dispatch for ipo's SIMD kernels.
//
// A kernel is a function object templated on an architecture tag (an xsimd architecture such
// as xsimd::avx2, or ipo::simd::scalar for the portable path). dispatch() calls it with the
// best architecture that is both compiled in (enabled by the compiler flags of this
// translation unit, e.g. -mavx2 or -march=native) and present on the running CPU; the scalar
// path always remains. Build with -march=x86-64-v3 (AVX2) or -march=native to compile in the
// wider paths: a header-only library can only use the instruction sets its user compiles for
// (the matcher can also take the AVX2/AVX-512 scans of the compiled ipo::dispatch library,
// docs/dispatch.md).
//
// The environment variable IPO_FORCE_ARCH (read once per process) caps the choice: with
// IPO_FORCE_ARCH=avx2, dispatch() starts at avx2 and skips the better paths; "scalar" forces
// the portable path. A name that is not a compiled-in architecture changes nothing. Every
// path computes the same results, so this only changes speed (for comparing paths, or working
// around a CPU the detection misjudges); the matcher's path_name() (ipo-pairs --version) says
// which path runs.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ipo/simd/simd.hpp"

namespace ipo::simd {

/// The portable path: plain C++ loops, always available.
struct scalar {
  static constexpr char const* name() noexcept { return "scalar"; }
  static constexpr bool supported() noexcept { return true; }
};

/// A list of architecture tags, best first.
template <class... Archs>
struct arch_list {
  static constexpr std::size_t size = sizeof...(Archs);
};

namespace detail {
template <class Kept, class... Candidates>
struct keep_supported;
template <class... Kept>
struct keep_supported<arch_list<Kept...>> {
  using type = arch_list<Kept...>;
};
template <class... Kept, class First, class... Rest>
struct keep_supported<arch_list<Kept...>, First, Rest...>
    : keep_supported<
          std::conditional_t<First::supported(), arch_list<Kept..., First>, arch_list<Kept...>>,
          Rest...> {};
} // namespace detail

/// The architectures ipo's kernels are written for, best first, reduced to those the compiler
/// flags of this translation unit enable; always ends with ipo::simd::scalar.
using compiled_archs = typename detail::keep_supported<arch_list<>,
#if XSIMD_WITH_AVX512BW
                                                       xsimd::avx512bw,
#endif
#if XSIMD_WITH_AVX512F
                                                       xsimd::avx512f,
#endif
#if XSIMD_WITH_AVX2 && XSIMD_WITH_FMA3_AVX2
                                                       xsimd::fma3<xsimd::avx2>,
#endif
#if XSIMD_WITH_AVX2
                                                       xsimd::avx2,
#endif
#if XSIMD_WITH_SSE4_2
                                                       xsimd::sse4_2,
#endif
#if XSIMD_WITH_SSE2
                                                       xsimd::sse2,
#endif
#if XSIMD_WITH_NEON64
                                                       xsimd::neon64,
#endif
                                                       scalar>::type;

namespace detail {
template <class Kept, class Drop, class... Candidates>
struct drop_arch;
template <class... Kept, class Drop>
struct drop_arch<arch_list<Kept...>, Drop> {
  using type = arch_list<Kept...>;
};
template <class... Kept, class Drop, class First, class... Rest>
struct drop_arch<arch_list<Kept...>, Drop, First, Rest...>
    : drop_arch<std::conditional_t<std::is_same_v<First, Drop>, arch_list<Kept...>,
                                   arch_list<Kept..., First>>,
                Drop, Rest...> {};
template <class List, class Drop>
struct without_arch;
template <class... Archs, class Drop>
struct without_arch<arch_list<Archs...>, Drop> : drop_arch<arch_list<>, Drop, Archs...> {};
} // namespace detail

/// `List` without architecture `Drop` (unchanged when it does not hold it): for a kernel that
/// one architecture serves badly, so that dispatch skips to the next.
template <class List, class Drop>
using without_arch = typename detail::without_arch<List, Drop>::type;

namespace detail {
template <class A, class Present>
bool cpu_has(Present const& present) noexcept {
  if constexpr (requires { present.has(A{}); }) { // xsimd >= 11
    return present.has(A{});
  } else { // xsimd 8-10: architectures are totally ordered by version()
    return A::version() <= present.best;
  }
}
} // namespace detail

/// True when the running CPU can execute architecture A (always true for scalar).
template <class A>
bool arch_available() noexcept {
  if constexpr (std::is_same_v<A, scalar>) {
    return true;
  } else {
    static auto const present = xsimd::available_architectures();
    return detail::cpu_has<A>(present);
  }
}

/// The name of architecture A: "avx512bw", "fma3+avx2", "sse2", "neon64", "scalar", ...
template <class A>
constexpr char const* arch_name() noexcept {
  return A::name();
}

/// The architecture IPO_FORCE_ARCH names (read once per process), or "" when it is not set.
inline std::string_view forced_arch() {
  static std::string const name = [] {
    char const* value = std::getenv("IPO_FORCE_ARCH");
    return std::string(value != nullptr ? value : "");
  }();
  return name;
}

namespace detail {
/// True when `List` holds an architecture called `name`.
template <class... Archs>
bool holds_arch(std::string_view name, arch_list<Archs...>) noexcept {
  return ((name == Archs::name()) || ...);
}

/// Calls the kernel with the first architecture from the forced one on (or from the start when
/// none is forced or the name is not in the list) that the CPU has; the last one always runs.
template <class F, class First, class... Rest>
decltype(auto) dispatch_over(F&& kernel, arch_list<First, Rest...>, bool reached) {
  if constexpr (sizeof...(Rest) == 0) {
    return std::forward<F>(kernel)(First{});
  } else {
    reached = reached || forced_arch() == First::name();
    if (reached && arch_available<First>()) {
      return std::forward<F>(kernel)(First{});
    }
    return dispatch_over(std::forward<F>(kernel), arch_list<Rest...>{}, reached);
  }
}
template <class F, class... Archs>
void for_each_over(F& visit, arch_list<Archs...>) {
  (
      [&] {
        if (arch_available<Archs>()) {
          visit(Archs{});
        }
      }(),
      ...);
}
} // namespace detail

/// Calls kernel(Arch{}) with the best architecture of ArchList available at run time and
/// returns its result. ArchList must end with an always-available architecture (scalar).
template <class ArchList = compiled_archs, class F>
decltype(auto) dispatch(F&& kernel) {
  bool const free_choice = forced_arch().empty() || !detail::holds_arch(forced_arch(), ArchList{});
  return detail::dispatch_over(std::forward<F>(kernel), ArchList{}, free_choice);
}

/// A stable identifier of an architecture (a hash of its name): the same in every translation
/// unit, whatever architectures each one compiles in.
using arch_id = std::uint32_t;

/// The identifier of architecture A.
template <class A>
constexpr arch_id id_of() noexcept {
  arch_id h = 2166136261u; // FNV-1a
  for (char const* c = A::name(); *c != '\0'; ++c) {
    h = (h ^ static_cast<unsigned char>(*c)) * 16777619u;
  }
  return h;
}

namespace detail {
/// Calls the kernel with the architecture whose identifier is `id`; the list holds it (else
/// the last one runs).
template <class F, class First, class... Rest>
decltype(auto) dispatch_to_over(arch_id id, F&& kernel, arch_list<First, Rest...>) {
  if constexpr (sizeof...(Rest) == 0) {
    return std::forward<F>(kernel)(First{});
  } else {
    if (id == id_of<First>()) {
      return std::forward<F>(kernel)(First{});
    }
    return dispatch_to_over(id, std::forward<F>(kernel), arch_list<Rest...>{});
  }
}
template <class... Archs>
constexpr bool holds_id(arch_id id, arch_list<Archs...>) noexcept {
  return ((id == id_of<Archs>()) || ...);
}
} // namespace detail

/// The architecture dispatch() chooses, as an identifier: for a caller that makes the choice
/// once (when it is built) and replays it with dispatch_to() on every use.
template <class ArchList = compiled_archs>
arch_id dispatch_choice() {
  return dispatch<ArchList>([](auto arch) { return id_of<decltype(arch)>(); });
}

/// Calls kernel(Arch{}) with the architecture of ArchList whose identifier is `id` (one that
/// dispatch_choice() returned) and returns its result. When ArchList does not hold it (the
/// choice was made by code compiled with other flags), dispatch() chooses again among ArchList,
/// so no path is ever taken that this translation unit did not compile in.
template <class ArchList = compiled_archs, class F>
decltype(auto) dispatch_to(arch_id id, F&& kernel) {
  if (!detail::holds_id(id, ArchList{})) {
    return dispatch<ArchList>(std::forward<F>(kernel));
  }
  return detail::dispatch_to_over(id, std::forward<F>(kernel), ArchList{});
}

/// Calls visit(Arch{}) for every architecture of ArchList available at run time, best first.
/// Tests use it to check every path against the scalar one.
template <class ArchList = compiled_archs, class F>
void for_each_available_arch(F&& visit) {
  detail::for_each_over(visit, ArchList{});
}

/// Where an architecture name stands among the x86-64 paths (higher is wider; 0 for a name
/// that is not one of them). AVX2 with and without FMA count alike, and so do AVX-512 with and
/// without BW (a translation unit's own AVX-512F path is not replaced by a library's AVX2).
constexpr int x86_path_rank(std::string_view arch) noexcept {
  if (arch == "avx512bw" || arch == "avx512f") {
    return 4;
  }
  if (arch == "fma3+avx2" || arch == "avx2") {
    return 3;
  }
  if (arch == "sse4.2") {
    return 2;
  }
  if (arch == "sse2") {
    return 1;
  }
  return 0;
}

/// Whether a path of the compiled library ipo::dispatch for architecture `library` may stand
/// in for `own`, the best path the calling translation unit compiled in: it must be wider,
/// and within IPO_FORCE_ARCH when that names an x86-64 path ("scalar" keeps every library
/// path out). Whether the CPU runs it is the caller's other check.
inline bool library_path_preferred(std::string_view own, std::string_view library) {
  std::string_view const forced = forced_arch();
  int cap = 1 << 30;
  if (forced == "scalar") {
    cap = 0;
  } else if (x86_path_rank(forced) > 0) {
    cap = x86_path_rank(forced);
  }
  int const rank = x86_path_rank(library);
  return rank <= cap && rank > x86_path_rank(own);
}

/// Names of the architectures dispatch() may choose on this machine, best first.
inline std::vector<std::string> available_arch_names() {
  std::vector<std::string> names;
  for_each_available_arch([&](auto arch) { names.emplace_back(arch_name<decltype(arch)>()); });
  return names;
}

} // namespace ipo::simd
