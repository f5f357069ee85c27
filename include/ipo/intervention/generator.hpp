// ipo/intervention/generator.hpp: the Generator concept, the seam to the user's model.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ipo {

/// One continuation to generate: the prompt and the reasoning prefix to continue from.
struct generation_request {
  std::string_view prompt;
  std::string_view prefix;
};

/// A batched generator: `generate(requests, out)` sets out.size() == requests.size(), each the
/// text the model writes after the request's prefix (reasoning, possibly "</think>" and a
/// response).
template <class G>
concept Generator = requires(G& generator, std::span<generation_request const> requests,
                             std::vector<std::string>& out) {
  generator.generate(requests, out);
};

} // namespace ipo
